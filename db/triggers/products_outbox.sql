-- products_outbox: every committed change of a product invalidates its cache entry.

-- After an UPDATE or DELETE of products (by the API, the image job triggers or a DBA), one
-- cache.invalidate outbox row per product: {"product_id", "version"}. For an UPDATE the version is read
-- from the table, not from the transition table, because a nested touch (image_jobs_touch_product) may
-- have bumped it again before this statement trigger runs: every row carries the latest version. For a
-- DELETE it is the deleted row's version + 1, newer than any copy that can be cached.
create or replace function pms.products_outbox()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if tg_op = 'DELETE' then
        insert into pms.outbox (topic, payload)
        select 'cache.invalidate', jsonb_build_object('product_id', o.id, 'version', o.version + 1)
          from old_products as o
         order by o.id;
    else
        insert into pms.outbox (topic, payload)
        select 'cache.invalidate', jsonb_build_object('product_id', p.id, 'version', p.version)
          from pms.products as p
         where p.id in (select n.id from new_products as n)
         order by p.id;
    end if;
    return null;
end;
$$;

revoke execute on function pms.products_outbox() from public;

create or replace trigger products_outbox_update
    after update on pms.products
    referencing new table as new_products
    for each statement
    execute function pms.products_outbox();

create or replace trigger products_outbox_delete
    after delete on pms.products
    referencing old table as old_products
    for each statement
    execute function pms.products_outbox();
