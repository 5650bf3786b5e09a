-- 0014_create_products_caller_invalidates: api.create_products gains p_caller_invalidates, as
-- api.update_products has it, so that pms-api's POSTs, whose sellers' pages it freezes in Redis
-- before the call, write no cache.invalidate outbox row.
--
-- A new parameter is a new signature: the old function is dropped here and db/functions creates the
-- new one (with its grant) right after the migrations; between the two, POSTs fail for a moment.
drop function if exists api.create_products(jsonb);
