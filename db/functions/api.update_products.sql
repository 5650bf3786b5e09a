-- api.update_products: several api.update_product calls in one transaction, for pms-api's batches
-- of PUT /api/v1/products/{id}.

-- p_calls is a JSON array with one element per update: the arguments of api.update_product in its
-- order, each a JSON string in the form the single call takes as text, or null:
--   [["12", "false", "42", "Lamp", "", "12.50", null, "req-2"], ...]
-- Returns one row per element, n being its position (0-based), in no particular order: the
-- document, or the error that element's call raised (SQLSTATE, message, DETAIL, as
-- api.update_product raises it) with nothing of it kept; the others share the commit. Products are
-- locked in the order of their ids, so that two batches cannot deadlock each other (pms.run_batch
-- says how).
--
-- p_caller_invalidates: the caller promises to invalidate, before it commits, the cache entry of
-- every product this call updates, at the version the call returns (pms-api raises the floors in
-- Redis between this call and its COMMIT). The transaction then writes no cache.invalidate outbox
-- rows for its updates of products from here on (pms.products_outbox): they were half of an update's cost in PostgreSQL
-- and most of pms-bridge's work (bench/RESULTS.md). A caller that cannot keep the promise rolls
-- back and calls again without it. If it dies between the floors and its COMMIT, nothing is wrong:
-- a floor above the committed version only keeps that product out of the cache until a newer
-- version commits or the floor expires. The promise covers the sellers' cached pages of products too:
-- pms-api freezes them before its COMMIT (no page is read from or stored in the cache meanwhile) and
-- drops them after it; a freeze that a dead pms-api leaves ends by itself, seconds later
-- (common/product_cache_layout.hpp).
-- Errors raised for the whole call: 22023 invalid_parameter_value when p_calls is not an array or
-- has more than 1000 elements.
create or replace function api.update_products(p_calls jsonb, p_caller_invalidates boolean default false)
returns table (n integer, product_id bigint, version bigint, doc json, error_sqlstate text, error_message text,
               error_detail text)
language sql
volatile
security definer
set search_path = pms, pg_temp
as $$
    select pg_catalog.set_config('pms.cache_invalidated_by', case when p_caller_invalidates then 'caller' else '' end,
                                 true);
    select * from pms.run_batch(p_calls, 'pms.update_products', true);
$$;

revoke execute on function api.update_products(jsonb, boolean) from public;
grant execute on function api.update_products(jsonb, boolean) to pms_api;
