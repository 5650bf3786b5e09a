-- products_outbox_insert: new products change their sellers' pages of products.
--
-- After each INSERT statement into pms.products (the API's creates, a DBA's direct INSERT or COPY),
-- one cache.invalidate outbox row naming every seller it gave products to: {"user_ids": [...]},
-- without a product, since no copy of a new product can be cached yet. pms-bridge deletes those
-- sellers' cached pages (docs/architecture.md). A statement trigger, so that a batch of creates
-- (api.create_products) or a bulk load writes one row, not one per product.
--
-- None in a transaction whose caller keeps the pages right itself: api.create_products with
-- p_caller_invalidates (pms.cache_invalidated_by 'caller'), as pms-api calls it when it froze the
-- sellers' pages in Redis before the call; it drops them after its COMMIT.
create or replace function pms.products_outbox_insert()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if current_setting('pms.cache_invalidated_by', true) = 'caller' then
        return null;
    end if;
    insert into pms.outbox (topic, payload)
    select 'cache.invalidate', jsonb_build_object('user_ids', jsonb_agg(distinct n.user_id))
      from new_products as n
    having count(*) > 0;
    return null;
end;
$$;

revoke execute on function pms.products_outbox_insert() from public;

create or replace trigger products_outbox_insert
    after insert on pms.products
    referencing new table as new_products
    for each statement
    execute function pms.products_outbox_insert();
