-- pms.image_job_closed: why a write-back must leave an image job alone, or NULL when it may proceed.

-- 'missing' (the job or its product is gone), 'superseded' (its image changed since the job was
-- queued) or 'done' (a redelivered message: the first result stands). The one statement of that rule
-- for api.start_image_job, api.complete_image_job and api.fail_image_job; the job comes from
-- pms.lock_image_job, so the answer holds until the caller's transaction ends.
create or replace function pms.image_job_closed(p_job pms.image_jobs)
returns text
language sql
immutable
set search_path = pms, pg_temp
as $$
    select case
               when p_job.id is null then 'missing'
               when p_job.status in ('superseded', 'done') then p_job.status::text
           end;
$$;

revoke execute on function pms.image_job_closed(pms.image_jobs) from public;
