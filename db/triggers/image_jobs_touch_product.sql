-- image_jobs_touch_product: a change of an image job is a change of its product.

-- After an UPDATE or DELETE of image jobs, bump the version of each product concerned once per
-- statement; products_before_write does the bump and rebuilds the product's doc, and products_outbox
-- writes the cache.invalidate row.
-- A product being deleted (cascade) is already gone and is simply not found. Not the product whose
-- own UPDATE superseded the jobs (products_sync_image_jobs names it in pms.syncing_images_of): that
-- UPDATE bumped the version and built a document without them, and its caller can return the row as
-- its UPDATE left it.
-- Lock order: a DBA's direct UPDATE of a job locks the job, then its product here, the reverse of the
-- API (product first). Two such transactions can deadlock; PostgreSQL detects that and aborts one.
create or replace function pms.image_jobs_touch_product()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    update pms.products as p
       set version = p.version + 1
     where p.id in (select c.product_id from changed_jobs as c)
       and p.id is distinct from nullif(current_setting('pms.syncing_images_of', true), '')::bigint;
    return null;
end;
$$;

revoke execute on function pms.image_jobs_touch_product() from public;

-- Two triggers because a transition table names either the new or the old rows; the function reads
-- both under the one name changed_jobs.
create or replace trigger image_jobs_touch_product_update
    after update on pms.image_jobs
    referencing new table as changed_jobs
    for each statement
    execute function pms.image_jobs_touch_product();

create or replace trigger image_jobs_touch_product_delete
    after delete on pms.image_jobs
    referencing old table as changed_jobs
    for each statement
    execute function pms.image_jobs_touch_product();
