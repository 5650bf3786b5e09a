-- products_sync_image_jobs: keeps one live image job per image of a product.

-- On INSERT, and on an UPDATE that changes images (by the API or by a DBA's direct SQL):
--   1. supersede the live job of every position whose URL changed or that no longer exists;
--   2. queue a pending job for every position without a live job (new or changed).
-- Unchanged positions keep their job and result. Superseding first keeps the partial unique index
-- image_jobs_one_live_per_position satisfied. Each queued job writes its image.process outbox row
-- (image_jobs_outbox). The row lock of the product's UPDATE is held, so this runs after any write-back
-- that locked the product first, and a write-back that comes later finds its job superseded.
create or replace function pms.products_sync_image_jobs()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if tg_op = 'UPDATE' then
        -- The document this UPDATE wrote already leaves these jobs out (pms.product_json joins a
        -- position's job only for the same URL), so image_jobs_touch_product need not bump it again.
        perform set_config('pms.syncing_images_of', new.id::text, true);
        update pms.image_jobs as j
           set status = 'superseded'
         where j.product_id = new.id
           and j.status <> 'superseded'
           and j.source_url is distinct from new.images[j.position + 1];
        perform set_config('pms.syncing_images_of', '', true);
    end if;

    insert into pms.image_jobs (product_id, position, source_url)
    select new.id, i.n - 1, i.source_url
      from unnest(new.images) with ordinality as i (source_url, n)
     where not exists (select
                         from pms.image_jobs as j
                        where j.product_id = new.id
                          and j.position = i.n - 1
                          and j.status <> 'superseded')
     order by i.n;

    return null;
end;
$$;

revoke execute on function pms.products_sync_image_jobs() from public;

-- The WHEN spares a product without images the call (and image_jobs_outbox its empty statement).
create or replace trigger products_sync_image_jobs_insert
    after insert on pms.products
    for each row
    when (cardinality(new.images) > 0)
    execute function pms.products_sync_image_jobs();

-- "UPDATE OF images" alone fires whenever images is in the SET list; the WHEN keeps an unchanged list
-- (a PUT that only renames) from touching the jobs at all.
create or replace trigger products_sync_image_jobs_update
    after update of images on pms.products
    for each row
    when (old.images is distinct from new.images)
    execute function pms.products_sync_image_jobs();
