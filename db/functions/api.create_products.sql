-- api.create_products: several api.create_product calls in one transaction, for pms-api's batches
-- of POST /api/v1/products.

-- p_calls is a JSON array with one element per product: the arguments of api.create_product in
-- its order, each a JSON string in the form the single call takes as text, or null:
--   [["12", "false", null, "Lamp", null, "9.99", "{http://img.example/a.jpg}", "req-1"], ...]
-- Returns one row per element, n being its position (0-based), in no particular order: the
-- document, or the error that element's call raised (SQLSTATE, message, DETAIL, as
-- api.create_product raises it) with nothing of it kept; the others share the commit
-- (pms.run_batch says how).
--
-- p_caller_invalidates: the caller promises that it froze, before this call, the cached pages of
-- every seller the call may give products to, and that it drops them after its COMMIT (pms-api
-- does both in Redis: common/product_cache_layout.hpp). The INSERT then writes no cache.invalidate
-- outbox row (pms.products_outbox_insert), and with it no wake-up of pms-bridge. If the caller dies
-- after its COMMIT, the freeze ends by itself seconds later and readers read the committed rows.
-- Errors raised for the whole call: 22023 invalid_parameter_value when p_calls is not an array or
-- has more than 1000 elements.
create or replace function api.create_products(p_calls jsonb, p_caller_invalidates boolean default false)
returns table (n integer, product_id bigint, version bigint, doc json, error_sqlstate text, error_message text,
               error_detail text)
language sql
volatile
security definer
set search_path = pms, pg_temp
as $$
    select pg_catalog.set_config('pms.cache_invalidated_by', case when p_caller_invalidates then 'caller' else '' end,
                                 true);
    select * from pms.run_batch(p_calls, 'pms.insert_products', false);
$$;

revoke execute on function api.create_products(jsonb, boolean) from public;
grant execute on function api.create_products(jsonb, boolean) to pms_api;
