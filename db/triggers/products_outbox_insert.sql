-- products_outbox_insert: new products change their sellers' pages of products.
--
-- After each INSERT statement into pms.products (the API's creates, a DBA's direct INSERT or COPY),
-- one cache.invalidate outbox row naming every seller it gave products to: {"user_ids": [...]},
-- without a product, since no copy of a new product can be cached yet. pms-bridge deletes those
-- sellers' cached pages (docs/architecture.md). A statement trigger, so that a batch of creates
-- (api.create_products) or a bulk load writes one row, not one per product.
--
-- pms-api deletes the pages of its own creates itself right after its COMMIT, so that a client
-- sees its product in the next page it asks for; this row is what still deletes them when pms-api
-- dies between its COMMIT and that, or Redis was away at that moment.
create or replace function pms.products_outbox_insert()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
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
