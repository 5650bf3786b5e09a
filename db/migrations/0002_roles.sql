-- 0002_roles: the service roles and what they may do: USAGE on schema api and EXECUTE on their own
-- functions (granted in each db/functions file), nothing else.
--
-- Roles are cluster-wide: another database of the same cluster may have created them already,
-- so create them only when missing. No password: the operator sets one or uses peer/cert/trust auth.
do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'pms_api') then
        create role pms_api login;
        comment on role pms_api is
            'pms-api: executes api.create_user, create_product, get_product, list_products, update_product, delete_product.';
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'pms_worker') then
        create role pms_worker login;
        comment on role pms_worker is
            'pms-worker and pms-bridge: executes api.start_image_job, complete_image_job, fail_image_job, outbox_claim, outbox_delete.';
    end if;
end
$$;

-- Tables stay private: the api functions are SECURITY DEFINER and reach them as the owner.
revoke all on schema pms from public;
revoke all on all tables in schema pms from public;
revoke all on schema api from public;
grant usage on schema api to pms_api, pms_worker;

-- PostgreSQL grants EXECUTE on every new function to PUBLIC. Revoke that default for functions this
-- owner creates from now on. It has to be the global form: a per-schema default can only add
-- privileges, never take away a global one. Each function file also revokes explicitly, so a function
-- created by another owner is closed too.
alter default privileges revoke execute on functions from public;
revoke execute on all functions in schema pms from public;
