-- 0010_actors: every api function that writes for a user takes the acting user first.
--
-- api.create_product, api.update_product, api.delete_product and api.create_user gain two leading
-- arguments, the acting user's id and whether they are an admin (pms.may_act_for holds the rule).
-- New arguments make new functions to PostgreSQL: drop the old forms, and db/functions creates the
-- new ones (with their grants) right after the migrations. The batch functions keep their
-- signatures; each of their calls now starts with the actor too.
drop function if exists api.create_product(bigint, text, text, numeric, text[], text);
drop function if exists api.update_product(bigint, text, text, numeric, text[], text);
drop function if exists api.delete_product(bigint, text);
drop function if exists api.create_user(text, text);
