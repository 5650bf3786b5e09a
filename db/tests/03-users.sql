-- 03-users: api.create_user.
begin;
create extension if not exists pgtap;
select plan(9);

\ir lib/error_of.sql

create temporary table t as select api.create_user(null, true, 'Ada', 'req-user') as u;

select is((select u ->> 'name' from t), 'Ada', 'create_user returns the name');
select ok((select (u ->> 'id')::bigint > 0 from t), 'create_user returns the id');
select matches((select u ->> 'created_at' from t), '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$', 'created_at is ISO-8601 UTC with microseconds');
select is((select array_agg(k order by k) from t, jsonb_object_keys(u) as k), array['created_at', 'id', 'name'], 'the user JSON has id, name, created_at');
select is((select name from pms.users where id = (select (u ->> 'id')::bigint from t)), 'Ada', 'the user is stored');

select throws_ok($$select api.create_user(null, true, '')$$, '23514', 'name must be 1 to 200 characters', 'empty name: 23514');
select throws_ok($$select api.create_user(null, true, repeat('x', 201))$$, '23514', 'name must be 1 to 200 characters', '201 characters: 23514');
select throws_ok($$select api.create_user(null, true, null)$$, '23502', 'name is required', 'NULL name: 23502');
select is(
    pg_temp.error_of($$select api.create_user(null, true, '')$$),
    '{"sqlstate": "23514", "message": "name must be 1 to 200 characters", "detail": {"field": "name"}}',
    'the error carries DETAIL {"field": "name"}');

select * from finish();
rollback;
