-- image_jobs_before_update: updated_at of pms.image_jobs.

create or replace function pms.image_jobs_before_update()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

revoke execute on function pms.image_jobs_before_update() from public;

create or replace trigger image_jobs_before_update
    before update on pms.image_jobs
    for each row
    execute function pms.image_jobs_before_update();
