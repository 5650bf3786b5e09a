-- 08-privileges: pms_api and pms_worker may execute their api functions and nothing else.
begin;
create extension if not exists pgtap;
select plan(30);

-- pgTAP's own functions were created by the migration owner, whose default privileges revoke EXECUTE
-- from PUBLIC: let the roles call them while the test switches to them (rolled back with the rest).
grant execute on all functions in schema public to pms_api, pms_worker;

select has_role('pms_api');
select has_role('pms_worker');
select ok((select rolcanlogin and not rolsuper and not rolcreaterole and not rolcreatedb from pg_roles where rolname = 'pms_api'),
          'pms_api: LOGIN, nothing more');
select ok((select rolcanlogin and not rolsuper and not rolcreaterole and not rolcreatedb from pg_roles where rolname = 'pms_worker'),
          'pms_worker: LOGIN, nothing more');

-- The api functions each role may execute, from the catalog.
create function pg_temp.executable(p_role text)
returns setof text
language sql
as $$
    select p.proname::text
      from pg_proc as p
      join pg_namespace as n on n.oid = p.pronamespace
     where n.nspname in ('api', 'pms')
       and has_function_privilege(p_role, p.oid, 'EXECUTE');
$$;
select set_eq($$select pg_temp.executable('pms_api')$$,
              array['create_user', 'create_product', 'create_products', 'get_product', 'get_products', 'list_products',
                    'update_product', 'update_products', 'delete_product'],
              'pms_api may execute exactly its nine api functions');
select set_eq($$select pg_temp.executable('pms_worker')$$,
              array['start_image_job', 'complete_image_job', 'fail_image_job', 'outbox_claim', 'outbox_delete',
                    'outbox_bridge_idle', 'outbox_bridge_busy', 'outbox_bridge_stats', 'outbox_backlog'],
              'pms_worker may execute exactly its nine api functions');
select is_empty($$select pg_temp.executable('public')$$, 'PUBLIC may execute no function of api or pms');

select schema_privs_are('api', 'pms_api', array['USAGE'], 'pms_api: USAGE on api');
select schema_privs_are('api', 'pms_worker', array['USAGE'], 'pms_worker: USAGE on api');
select schema_privs_are('pms', 'pms_api', '{}'::name[], 'pms_api: nothing on pms');
select schema_privs_are('pms', 'pms_worker', '{}'::name[], 'pms_worker: nothing on pms');
select is_empty(
    $$select c.relname
        from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace
       where n.nspname = 'pms'
         and c.relkind in ('r', 'v', 'm', 'S')
         and (has_table_privilege('pms_api', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or has_table_privilege('pms_worker', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
              or has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))$$,
    'no table or sequence of pms is granted to the roles or PUBLIC');

-- Data for the worker to see.
create temporary table t (user_id bigint, product_id bigint, job_id bigint);
grant select on t to pms_api, pms_worker;
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

-- As pms_worker
set local role pms_worker;
select lives_ok($$select api.start_image_job((select job_id from t))$$, 'pms_worker: start_image_job');
select lives_ok($$select api.complete_image_job((select job_id from t), 'http://s3.test/p.jpg', 1, 1, 1)$$, 'pms_worker: complete_image_job');
select lives_ok($$select api.fail_image_job(-1, 'x')$$, 'pms_worker: fail_image_job');
select lives_ok($$select * from api.outbox_claim('image.process', 10)$$, 'pms_worker: outbox_claim');
select lives_ok($$select api.outbox_delete('{}')$$, 'pms_worker: outbox_delete');
select throws_ok($$select * from pms.outbox$$, '42501', null, 'pms_worker: cannot read pms.outbox');
select throws_ok($$select api.get_product((select product_id from t))$$, '42501', null, 'pms_worker: cannot execute get_product');
select throws_ok($$select api.delete_product(null, true, (select product_id from t))$$, '42501', null, 'pms_worker: cannot execute delete_product');
reset role;

select * from finish();
rollback;
