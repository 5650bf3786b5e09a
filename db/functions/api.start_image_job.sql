-- api.start_image_job: a worker asks whether to process an image job, and claims it.

-- Returns {"action": "process"|"skip", "reason": null|"done"|"superseded"|"missing",
--          "job_id", "product_id", "position", "source_url"} and, for "process", "attempts".
-- "process" marks the job processing and counts the attempt; a pending, processing (redelivered after a
-- crash) or failed (redelivered) job is processed. "attempts" counts the starts, this one included: a job
-- whose deliveries keep dying with the worker comes back without a new attempt number in its message, so
-- the worker compares this count with its limit. A done job is skipped (at-least-once delivery: no
-- second upload), and so are a superseded job and a job that no longer exists (product, position and
-- source_url are null then).
create or replace function api.start_image_job(
    p_job_id bigint,
    p_request_id text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_job      pms.image_jobs;
    v_reason   text;
    v_attempts integer;
begin
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    v_job := pms.lock_image_job(p_job_id);
    v_reason := pms.image_job_closed(v_job);

    if v_reason is null then
        -- A previous failure's error no longer describes the job once it is tried again.
        update pms.image_jobs as j
           set status = 'processing',
               attempts = j.attempts + 1,
               error = null
         where j.id = v_job.id
        returning j.attempts into v_attempts;
    end if;

    return jsonb_build_object('action', case when v_reason is null then 'process' else 'skip' end,
                              'reason', v_reason,
                              'job_id', p_job_id,
                              'product_id', v_job.product_id,
                              'position', v_job.position,
                              'source_url', v_job.source_url)
           || case when v_reason is null then jsonb_build_object('attempts', v_attempts) else '{}' end;
end;
$$;

revoke execute on function api.start_image_job(bigint, text) from public;
grant execute on function api.start_image_job(bigint, text) to pms_worker;
