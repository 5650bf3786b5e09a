-- api.complete_image_job: a worker writes back the result of an image job.

-- Returns {"job_id", "status": "done"|"superseded"|"missing"}. The job becomes done with its result
-- unless it was superseded (its image changed or vanished: the result is not wanted, nothing changes)
-- or no longer exists. A job that is already done keeps its first result and answers "done" again
-- (at-least-once delivery). A failed job may still become done.
-- Locks the product before the job (pms.lock_image_job), like api.update_product.
-- Errors (message recorded for the rule): 23514 compressed_url not an http(s) URL, width, height or
-- bytes not positive, or a missing value ("a done image job needs ...").
create or replace function api.complete_image_job(
    p_job_id bigint,
    p_compressed_url text,
    p_width integer,
    p_height integer,
    p_bytes bigint,
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
       set status = 'done',
           compressed_url = p_compressed_url,
           width = p_width,
           height = p_height,
           bytes = p_bytes,
           error = null
     where j.id = v_job.id;

    return jsonb_build_object('job_id', p_job_id, 'status', 'done');
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.complete_image_job(bigint, text, integer, integer, bigint, text) from public;
grant execute on function api.complete_image_job(bigint, text, integer, integer, bigint, text) to pms_worker;
