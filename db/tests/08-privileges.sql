-- 08-privileges: pms_api, pms_worker and pms_bridge may execute exactly the api functions their program
-- calls and nothing else; they log in and can do nothing more; each has its timeouts (migration 0011).
begin;
create extension if not exists pgtap;
select plan(50);

-- pgTAP's own functions were created by the migration owner, whose default privileges revoke EXECUTE
-- from PUBLIC: let the roles call them while the test switches to them (rolled back with the rest).
grant execute on all functions in schema public to pms_api, pms_worker, pms_bridge;

select has_role('pms_api');
select has_role('pms_worker');
select has_role('pms_bridge');

-- What a role may do beyond its grants: its attributes that are on, and the roles it is a member of
-- (a membership of pg_read_all_data or of the owner would open everything).
create function pg_temp.powers(p_role text)
returns text[]
language sql
as $$
    select array(select a
                   from pg_roles as r,
                        unnest(array[case when r.rolcanlogin then 'login' end,
                                     case when r.rolsuper then 'superuser' end,
                                     case when r.rolcreaterole then 'createrole' end,
                                     case when r.rolcreatedb then 'createdb' end,
                                     case when r.rolreplication then 'replication' end,
                                     case when r.rolbypassrls then 'bypassrls' end]) as a
                  where r.rolname = p_role and a is not null
                 union all
                 select 'member of ' || g.rolname
                   from pg_auth_members as m
                   join pg_roles as g on g.oid = m.roleid
                  where m.member = (select oid from pg_roles where rolname = p_role)
                  order by 1);
$$;
select is(pg_temp.powers('pms_api'), array['login'], 'pms_api: LOGIN, nothing more, member of no role');
select is(pg_temp.powers('pms_worker'), array['login'], 'pms_worker: LOGIN, nothing more, member of no role');
select is(pg_temp.powers('pms_bridge'), array['login'], 'pms_bridge: LOGIN, nothing more, member of no role');

-- The timeouts migration 0011 sets for every database (db/README.md, "Timeouts").
create function pg_temp.settings(p_role text)
returns text[]
language sql
as $$
    select array(select c from pg_roles as r, unnest(r.rolconfig) as c where r.rolname = p_role order by c);
$$;
select is(pg_temp.settings('pms_api'), array['lock_timeout=2s', 'statement_timeout=10s'],
          'pms_api: statement_timeout 10s, lock_timeout 2s');
select is(pg_temp.settings('pms_worker'), array['lock_timeout=15s', 'statement_timeout=30s'],
          'pms_worker: statement_timeout 30s, lock_timeout 15s');
select is(pg_temp.settings('pms_bridge'), array['lock_timeout=10s', 'statement_timeout=60s'],
          'pms_bridge: statement_timeout 60s, lock_timeout 10s');
-- A per-database setting would override them in this database without showing in rolconfig.
select is_empty($$select s.setconfig
                    from pg_db_role_setting as s
                    join pg_roles as r on r.oid = s.setrole
                   where s.setdatabase = (select oid from pg_database where datname = current_database())
                     and r.rolname in ('pms_api', 'pms_worker', 'pms_bridge')$$,
                'no per-database setting of this database overrides them');

-- The api and pms functions each role may execute, from the catalog. Not those of extensions: when
-- the owner is not a superuser, pg_trgm's functions in pms belong to the bootstrap superuser (a trusted
-- extension's objects do), so 0002 cannot revoke PUBLIC's EXECUTE on them; no service role reaches
-- them anyway, having no USAGE on pms (below).
create function pg_temp.executable(p_role text)
returns setof text
language sql
as $$
    select p.proname::text
      from pg_proc as p
      join pg_namespace as n on n.oid = p.pronamespace
     where n.nspname in ('api', 'pms')
       and has_function_privilege(p_role, p.oid, 'EXECUTE')
       and not exists (select
                         from pg_depend as d
                        where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e');
$$;
select set_eq($$select pg_temp.executable('pms_api')$$,
              array['create_user', 'create_product', 'create_products', 'get_product', 'get_products', 'list_products',
                    'update_product', 'update_products', 'delete_product'],
              'pms_api may execute exactly its nine api functions');
select set_eq($$select pg_temp.executable('pms_worker')$$,
              array['start_image_job', 'complete_image_job', 'fail_image_job'],
              'pms_worker may execute exactly the three image-job write-backs');
select set_eq($$select pg_temp.executable('pms_bridge')$$,
              array['outbox_claim', 'outbox_delete', 'outbox_bridge_idle', 'outbox_bridge_busy', 'outbox_bridge_stats',
                    'outbox_backlog'],
              'pms_bridge may execute exactly the six outbox functions');
select is_empty($$select pg_temp.executable('public')$$, 'PUBLIC may execute no function of api or pms');

select schema_privs_are('api', 'pms_api', array['USAGE'], 'pms_api: USAGE on api');
select schema_privs_are('api', 'pms_worker', array['USAGE'], 'pms_worker: USAGE on api');
select schema_privs_are('api', 'pms_bridge', array['USAGE'], 'pms_bridge: USAGE on api');
select schema_privs_are('pms', 'pms_api', '{}'::name[], 'pms_api: nothing on pms');
select schema_privs_are('pms', 'pms_worker', '{}'::name[], 'pms_worker: nothing on pms');
select schema_privs_are('pms', 'pms_bridge', '{}'::name[], 'pms_bridge: nothing on pms');
select is_empty(
    $$select c.relname || ' to ' || r.role
        from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace,
             unnest(array['pms_api', 'pms_worker', 'pms_bridge', 'public']) as r (role)
       where n.nspname = 'pms'
         and c.relkind in ('r', 'v', 'm', 'S')
         and has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')$$,
    'no table or sequence of pms is granted to the roles or PUBLIC');

-- Data for the roles to see.
create temporary table t (user_id bigint, product_id bigint, job_id bigint);
grant select on t to pms_api, pms_worker, pms_bridge;
insert into t (user_id) select (api.create_user(null, true, 'priv tester') ->> 'id')::bigint;
update t set product_id = (api.create_product(null, true, user_id, 'x', '', 1, array['http://img.test/p.jpg']) ->> 'id')::bigint;
update t set job_id = (select id from pms.image_jobs where product_id = t.product_id);

-- As pms_api
set local role pms_api;
select lives_ok($$select api.create_user(null, true, 'as api')$$, 'pms_api: create_user');
select lives_ok($$select api.create_product(null, true, (select user_id from t), 'as api', '', 1, '{}')$$, 'pms_api: create_product');
select lives_ok($$select api.get_product((select product_id from t))$$, 'pms_api: get_product');
select lives_ok($$select api.list_products((select user_id from t), null, null, null, 10, null)$$, 'pms_api: list_products');
select lives_ok($$select api.update_product(null, true, (select product_id from t), 'y', '', 2, array['http://img.test/p.jpg'])$$, 'pms_api: update_product');
select throws_ok($$select * from pms.products$$, '42501', null, 'pms_api: cannot read pms.products');
select throws_ok($$insert into pms.users (name) values ('sneaky')$$, '42501', null, 'pms_api: cannot write pms.users');
select throws_ok($$select api.start_image_job((select job_id from t))$$, '42501', null, 'pms_api: cannot execute start_image_job');
select throws_ok($$select * from api.outbox_claim('image.process', 1)$$, '42501', null, 'pms_api: cannot execute outbox_claim');
select throws_ok($$select pms.product_json(null::pms.products)$$, '42501', null, 'pms_api: cannot call the private helpers');
reset role;

-- As pms_worker: the write-backs, none of the outbox.
set local role pms_worker;
select lives_ok($$select api.start_image_job((select job_id from t))$$, 'pms_worker: start_image_job');
select lives_ok($$select api.complete_image_job((select job_id from t), 'http://s3.test/p.jpg', 1, 1, 1)$$, 'pms_worker: complete_image_job');
select lives_ok($$select api.fail_image_job(-1, 'x')$$, 'pms_worker: fail_image_job');
select throws_ok($$select * from api.outbox_claim('image.process', 10)$$, '42501', null, 'pms_worker: cannot execute outbox_claim');
select throws_ok($$select api.outbox_delete('{}')$$, '42501', null, 'pms_worker: cannot execute outbox_delete');
select throws_ok($$select api.outbox_backlog()$$, '42501', null, 'pms_worker: cannot execute outbox_backlog');
select throws_ok($$select * from pms.outbox$$, '42501', null, 'pms_worker: cannot read pms.outbox');
select throws_ok($$select api.get_product((select product_id from t))$$, '42501', null, 'pms_worker: cannot execute get_product');
select throws_ok($$select api.delete_product(null, true, (select product_id from t))$$, '42501', null, 'pms_worker: cannot execute delete_product');
reset role;

-- As pms_bridge: the outbox, none of the write-backs. (api.outbox_bridge_idle is called in 10-outbox-wake.)
set local role pms_bridge;
select lives_ok($$select * from api.outbox_claim('image.process', 10)$$, 'pms_bridge: outbox_claim');
select lives_ok($$select api.outbox_delete('{}')$$, 'pms_bridge: outbox_delete');
select lives_ok($$select api.outbox_bridge_busy()$$, 'pms_bridge: outbox_bridge_busy');
select lives_ok($$select api.outbox_bridge_stats(0, 0, 0)$$, 'pms_bridge: outbox_bridge_stats');
select lives_ok($$select api.outbox_backlog()$$, 'pms_bridge: outbox_backlog');
select throws_ok($$select api.start_image_job((select job_id from t))$$, '42501', null, 'pms_bridge: cannot execute start_image_job');
select throws_ok($$select api.complete_image_job((select job_id from t), 'http://s3.test/p.jpg', 1, 1, 1)$$, '42501', null,
                 'pms_bridge: cannot execute complete_image_job');
select throws_ok($$select * from pms.outbox$$, '42501', null, 'pms_bridge: cannot read pms.outbox');
select throws_ok($$select api.get_product((select product_id from t))$$, '42501', null, 'pms_bridge: cannot execute get_product');
select throws_ok($$select api.create_user(null, true, 'as bridge')$$, '42501', null, 'pms_bridge: cannot execute create_user');
reset role;

select * from finish();
rollback;
