-- image_jobs_outbox: every queued image job becomes an image.process outbox event.

-- The payload is the RabbitMQ message body as pms-bridge publishes it:
--   {"job_id", "product_id", "position", "source_url", "request_id", "enqueued_at"}
-- request_id comes from the api function's set_config('pms.request_id', ...) in this transaction
-- (null for a DBA's direct SQL). One INSERT per statement, one outbox row per job.
create or replace function pms.image_jobs_outbox()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
declare
    v_request_id text := nullif(current_setting('pms.request_id', true), '');
begin
    insert into pms.outbox (topic, payload)
    select 'image.process',
           jsonb_build_object('job_id', j.id,
                              'product_id', j.product_id,
                              'position', j.position,
                              'source_url', j.source_url,
                              'request_id', v_request_id,
                              'enqueued_at', pms.iso_time(clock_timestamp()))
      from new_jobs as j
     order by j.id;
    return null;
end;
$$;

revoke execute on function pms.image_jobs_outbox() from public;

create or replace trigger image_jobs_outbox
    after insert on pms.image_jobs
    referencing new table as new_jobs
    for each statement
    execute function pms.image_jobs_outbox();
