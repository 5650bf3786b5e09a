-- 0009_update_products_caller_invalidates: api.update_products takes p_caller_invalidates.
--
-- The new argument lets pms-api invalidate the cache itself before its COMMIT instead of leaving a
-- cache.invalidate outbox row per update to pms-bridge (db/functions/api.update_products.sql).
-- A new argument is a new function to PostgreSQL: drop the one-argument form, and
-- db/functions/api.update_products.sql creates the new one (with its grant) right after the
-- migrations.
drop function if exists api.update_products(jsonb);
