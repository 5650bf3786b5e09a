-- api.fail_image_job: a worker reports that an image job failed for good.

-- Returns {"job_id", "status": "failed"|"superseded"|"missing"|"done"}. A superseded or missing job is
-- reported and left alone; a done job is never turned into a failure by a late or duplicate message
-- ("done" is reported). Locks the product before the job (pms.lock_image_job), like
-- api.update_product.
-- Errors: 23514 when p_error is NULL ("a failed image job needs an error").
create or replace function api.fail_image_job(
    p_job_id bigint,
    p_error text,
    p_request_id text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_job        pms.image_jobs;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    v_job := pms.lock_image_job(p_job_id);
    if pms.image_job_closed(v_job) is not null then
        return jsonb_build_object('job_id', p_job_id, 'status', pms.image_job_closed(v_job));
    end if;

    update pms.image_jobs as j
       set status = 'failed',
           error = p_error
     where j.id = v_job.id;

    return jsonb_build_object('job_id', p_job_id, 'status', 'failed');
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.fail_image_job(bigint, text, text) from public;
grant execute on function api.fail_image_job(bigint, text, text) to pms_worker;
