-- pms.lock_image_job: locks an image job for a write-back, its product first.

-- Lock order is product, then job: the order api.update_product and api.delete_product follow (their
-- UPDATE/DELETE locks the product row, then the trigger pms.products_sync_image_jobs or the cascade
-- locks the jobs). A write-back and a concurrent PUT therefore run one after the other, and the
-- write-back sees whether the PUT superseded its job: neither change is lost and they cannot deadlock.
-- FOR NO KEY UPDATE is the lock an UPDATE of the product takes: it conflicts with PUT and DELETE but
-- not with the KEY SHARE lock that inserting a job (foreign key) takes.
-- Returns NULL when the job (or its product) does not exist.
create or replace function pms.lock_image_job(p_job_id bigint)
returns pms.image_jobs
language plpgsql
volatile
set search_path = pms, pg_temp
as $$
declare
    v_product_id bigint;
    v_job        pms.image_jobs;
begin
    select j.product_id into v_product_id from pms.image_jobs as j where j.id = p_job_id;
    if not found then
        return null;
    end if;

    perform from pms.products as p where p.id = v_product_id for no key update;

    -- Read again under the lock: a PUT that committed meanwhile may have superseded the job, and a
    -- DELETE may have removed it.
    select * into v_job from pms.image_jobs as j where j.id = p_job_id for update;
    if not found then
        return null;
    end if;
    return v_job;
end;
$$;

revoke execute on function pms.lock_image_job(bigint) from public;
