-- products_outbox: every committed change of a product invalidates its cache entry.

-- After each UPDATE or DELETE of a product row (by the API, the image job triggers or a DBA), one
-- cache.invalidate outbox row: {"product_id", "version", "user_ids"}. user_ids names the sellers whose
-- pages of products (the cached lists, docs/architecture.md) changed: the product's owner, and for an
-- UPDATE that gives the product to another user (only a DBA can) the former owner as well. For an
-- UPDATE the version is the row's new version;
-- when a nested touch (image_jobs_touch_product, e.g. a DBA's UPDATE of a job in the same
-- transaction) bumps it again, that UPDATE writes its own row with the newer version, after this one.
-- pms-bridge only ever raises a product's version floor, so the newest version wins. For a DELETE
-- it is the deleted row's version + 1, newer than any copy that can be cached.
--
-- Not for an UPDATE in a transaction whose caller invalidates the cache itself before it commits
-- (api.update_products with p_caller_invalidates, which sets pms.cache_invalidated_by to 'caller'
-- for the transaction): the floors are raised before the new version is visible, which leaves no
-- window for a stale copy, and a crash in between only keeps the product out of the cache for a
-- while. A DELETE always writes its row.
--
-- A row trigger: the statement trigger it replaces read the versions back through the transition
-- table, which cost an UPDATE from pms-api as much again as the UPDATE itself (bench/RESULTS.md).
create or replace function pms.products_outbox()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if tg_op = 'DELETE' then
        insert into pms.outbox (topic, payload)
        values ('cache.invalidate', jsonb_build_object('product_id', old.id, 'version', old.version + 1,
                                                       'user_ids', jsonb_build_array(old.user_id)));
    elsif current_setting('pms.cache_invalidated_by', true) is distinct from 'caller' then
        insert into pms.outbox (topic, payload)
        values ('cache.invalidate',
                jsonb_build_object('product_id', new.id, 'version', new.version, 'user_ids',
                                   case when new.user_id = old.user_id then jsonb_build_array(new.user_id)
                                        else jsonb_build_array(new.user_id, old.user_id) end));
    end if;
    return null;
end;
$$;

revoke execute on function pms.products_outbox() from public;

create or replace trigger products_outbox_update
    after update on pms.products
    for each row
    execute function pms.products_outbox();

create or replace trigger products_outbox_delete
    after delete on pms.products
    for each row
    execute function pms.products_outbox();
