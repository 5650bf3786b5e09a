-- 0011_bridge_role_and_timeouts: pms-bridge gets a role of its own, pms_bridge, and the service roles
-- get a statement_timeout and a lock_timeout.
--
-- pms-bridge and pms-worker both connected as pms_worker, so either could call the other's functions
-- (a worker could delete outbox rows; a bridge could complete image jobs). Now each program's role may
-- execute exactly the functions it calls: pms_worker the image-job write-backs, pms_bridge the
-- outbox functions. The grants live in the function files, which db/migrate re-applies right after
-- the migrations; this migration takes the outbox functions away from pms_worker (a function file
-- grants, it does not know who held the function before).
--
-- Roles and their settings are cluster-wide and changing them needs CREATEROLE. Everything below that
-- touches a role is done only when it is missing, so that this migration also runs without CREATEROLE
-- in another database of the cluster, or once a superuser has run what it asks for (db/README.md,
-- "CREATEROLE"); and an operator's own timeout is kept.
do $$
declare
    v_may_manage_roles boolean;
    v_needed text[] := '{}';  -- what this owner would need CREATEROLE for
    v record;
begin
    -- Role attributes are not inherited: what counts is the owner's own.
    select r.rolsuper or r.rolcreaterole
      into v_may_manage_roles
      from pg_catalog.pg_roles as r
     where r.rolname = current_user;

    if not exists (select from pg_catalog.pg_roles where rolname = 'pms_bridge') then
        if v_may_manage_roles then
            -- LOGIN and nothing more, like pms_api and pms_worker (0002). No password: the operator sets
            -- one or uses peer/cert/trust auth.
            create role pms_bridge login;
        else
            v_needed := v_needed || 'create role pms_bridge login;'::text;
        end if;
    end if;

    -- The timeouts: db/README.md ("Timeouts") says why these values. Set only where the role has no
    -- value of its own (all databases, pg_roles.rolconfig), so an operator's `alter role` stays.
    for v in
        select s.role, s.setting, s.value
          from (values ('pms_api',    'statement_timeout', '10s'),
                       ('pms_api',    'lock_timeout',      '2s'),
                       ('pms_worker', 'statement_timeout', '30s'),
                       ('pms_worker', 'lock_timeout',      '15s'),
                       ('pms_bridge', 'statement_timeout', '60s'),
                       ('pms_bridge', 'lock_timeout',      '10s')) as s (role, setting, value)
    loop
        continue when exists (select
                                from pg_catalog.pg_roles as r, unnest(r.rolconfig) as c (item)
                               where r.rolname = v.role and split_part(c.item, '=', 1) = v.setting);
        if v_may_manage_roles then
            execute format('alter role %I set %s = %L', v.role, v.setting, v.value);
        else
            v_needed := v_needed || format('alter role %I set %s = %L;', v.role, v.setting, v.value);
        end if;
    end loop;

    if v_needed <> '{}' then
        raise exception using
            errcode = 'insufficient_privilege',
            message = format(E'role %s lacks CREATEROLE, which this migration needs for:\n  %s',
                             current_user, array_to_string(v_needed, E'\n  ')),
            hint = 'Run those statements as a superuser (or give this role CREATEROLE for one run), then db/migrate again.';
    end if;

    -- Comments only describe, so they are written only when they changed and the owner may.
    if v_may_manage_roles then
        for v in
            select s.role, s.description
              from (values ('pms_api', 'pms-api: executes the api functions of users and products (db/README.md, "Roles and privileges").'),
                           ('pms_worker', 'pms-worker: executes api.start_image_job, complete_image_job, fail_image_job.'),
                           ('pms_bridge', 'pms-bridge: executes api.outbox_claim, outbox_delete, outbox_bridge_idle, outbox_bridge_busy, outbox_bridge_stats, outbox_backlog.'))
                   as s (role, description)
              join pg_catalog.pg_roles as r on r.rolname = s.role
             where shobj_description(r.oid, 'pg_authid') is distinct from s.description
        loop
            execute format('comment on role %I is %L', v.role, v.description);
        end loop;
    end if;
end
$$;

grant usage on schema api to pms_bridge;

-- The outbox functions move from pms_worker to pms_bridge. In a new database they do not exist yet
-- (db/functions creates them after the migrations, granted to pms_bridge); in an existing one, grant
-- them here too, so that the database is right after this migration even if the function step of the
-- same run fails.
do $$
declare
    v_function regprocedure;
begin
    for v_function in
        select p.oid::regprocedure
          from pg_catalog.pg_proc as p
          join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
         where n.nspname = 'api'
           and p.proname in ('outbox_claim', 'outbox_delete', 'outbox_bridge_idle', 'outbox_bridge_busy',
                             'outbox_bridge_stats', 'outbox_backlog')
    loop
        execute format('revoke execute on function %s from pms_worker', v_function);
        execute format('grant execute on function %s to pms_bridge', v_function);
    end loop;
end
$$;
