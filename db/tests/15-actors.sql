-- 15-actors: who may do what. Every write names its actor (user id, admin or not); a user acts only
-- for themself, an admin for anyone. The rules live in the functions, so they hold for every
-- caller: pms-api's role and a DBA's own session alike.
begin;
create extension if not exists pgtap;
select plan(30);

grant execute on all functions in schema public to pms_api;

\ir lib/error_of.sql

-- The rule itself.
select ok(pms.may_act_for(7, false, 7), 'a user may act for themself');
select ok(not pms.may_act_for(7, false, 8), 'a user may not act for another');
select ok(pms.may_act_for(7, true, 8), 'an admin may act for another');
select ok(not pms.may_act_for(null, false, 8) and not pms.may_act_for(null, null, null),
          'no actor may act for no one');
select ok(not pms.may_act_for(7, null, 8), 'an unknown admin flag is not admin');

-- Two users; a and b are their ids.
create temporary table t (a bigint, b bigint, pa bigint, pb bigint);
grant select on t to pms_api;
insert into t (a, b)
values ((api.create_user(null, true, 'owner a') ->> 'id')::bigint,
        (api.create_user(null, true, 'other b') ->> 'id')::bigint);

-- Creating: for oneself, by default for oneself, never for another unless admin.
update t set pa = (api.create_product(a, false, a, 'of a', '', 1, '{}') ->> 'id')::bigint;
select is((select user_id from pms.products where id = (select pa from t)), (select a from t),
          'a user creates a product for themself');
update t set pb = (api.create_product(b, false, null, 'of b by default', '', 1, '{}') ->> 'id')::bigint;
select is((select user_id from pms.products where id = (select pb from t)), (select b from t),
          'a product without user_id is the actor''s');
select is(pg_temp.error_of(format($$select api.create_product(%s, false, %s, 'sneaky', '', 1, '{}')$$,
                                  (select a from t), (select b from t))),
          '{"sqlstate": "42501", "message": "products can be created only for yourself", "detail": {"field": "user_id"}}',
          'a user may not create a product for another user');
select is((select count(*) from pms.products where name = 'sneaky'), 0::bigint, 'and nothing is created');
create temporary table by_admin as
    select (api.create_product(null, true, (select b from t), 'by admin', '', 1, '{}') ->> 'id')::bigint as id;
select is((select p.user_id from pms.products as p join by_admin using (id)), (select b from t),
          'an admin creates a product for another user');
select throws_ok($$select api.create_product(null, false, null, 'nobody', '', 1, '{}')$$, '42501',
                 'products can be created only for yourself', 'no actor: no product');

-- Updating and deleting another user's product: 42501, nothing changes.
create temporary table before as select * from pms.products where id = (select pa from t);
select is(pg_temp.error_of(format($$select api.update_product(%s, false, %s, 'taken over', '', 1, '{}')$$,
                                  (select b from t), (select pa from t))),
          format('{"sqlstate": "42501", "message": "product %s belongs to another user", "detail": null}',
                 (select pa from t))::jsonb,
          'a user may not update another user''s product');
select is((select (name, version) from pms.products where id = (select pa from t)),
          (select (name, version) from before), 'and the product is unchanged');
select is(pg_temp.error_of(format($$select api.delete_product(%s, false, %s)$$, (select b from t), (select pa from t))),
          format('{"sqlstate": "42501", "message": "product %s belongs to another user", "detail": null}',
                 (select pa from t))::jsonb,
          'a user may not delete another user''s product');
select ok(exists (select from pms.products where id = (select pa from t)), 'and the product is still there');
select throws_ok(format($$select api.delete_product(%s, false, 999999999999)$$, (select b from t)), 'P0002',
                 'product 999999999999 does not exist', 'a missing product is still not found');
select is(api.update_product((select a from t), false, (select pa from t), 'renamed by a', '', 1, '{}') ->> 'product_name',
          'renamed by a', 'the owner updates their product');
select is(api.update_product(null, true, (select pa from t), 'renamed by admin', '', 1, '{}') ->> 'product_name',
          'renamed by admin', 'an admin updates another user''s product');
select lives_ok(format($$select api.delete_product(%s, false, %s)$$, (select b from t), (select pb from t)),
                'the owner deletes their product');
select ok(not exists (select from pms.products where id = (select pb from t)), 'and it is gone');

-- Users: admins only.
select throws_ok(format($$select api.create_user(%s, false, 'not allowed')$$, (select a from t)), '42501',
                 'only an admin may create users', 'a user may not create users');
select is((select count(*) from pms.users where name = 'not allowed'), 0::bigint, 'and no user is created');

-- Batches: each call is checked for its own actor; a refused call keeps nothing, the others commit.
select is((select jsonb_agg(jsonb_build_object('name', r.doc ->> 'product_name', 'sqlstate', r.error_sqlstate) order by r.n)
             from api.create_products(format('[["%1$s", "false", "%1$s", "own", null, "1", null, null],
                                               ["%1$s", "false", "%2$s", "for b", null, "1", null, null],
                                               ["%2$s", "false", null, "b''s own", null, "1", null, null]]',
                                             (select a from t), (select b from t))::jsonb) as r),
          '[{"name": "own", "sqlstate": null}, {"name": null, "sqlstate": "42501"}, {"name": "b''s own", "sqlstate": null}]',
          'create_products: the call for another user is refused, the others created');
select is((select count(*) from pms.products where name = 'for b'), 0::bigint, 'create_products: nothing of the refused call');
select is((select jsonb_agg(jsonb_build_object('name', r.doc ->> 'product_name', 'message', r.error_message) order by r.n)
             from api.update_products(format('[["%2$s", "false", "%3$s", "b takes", null, "1", null, null],
                                               ["%1$s", "false", "%3$s", "a keeps", null, "1", null, null]]',
                                             (select a from t), (select b from t), (select pa from t))::jsonb) as r),
          format('[{"name": null, "message": "product %s belongs to another user"}, {"name": "a keeps", "message": null}]',
                 (select pa from t))::jsonb,
          'update_products: the call on another user''s product is refused, the owner''s applied');

-- The same rules for pms-api's role.
set local role pms_api;
select throws_ok(format($$select api.update_product(%s, false, %s, 'as api', '', 1, '{}')$$, (select b from t), (select pa from t)),
                 '42501', null, 'pms_api: another user''s product is refused');
select throws_ok(format($$select api.create_user(%s, false, 'as api')$$, (select a from t)),
                 '42501', 'only an admin may create users', 'pms_api: creating users is for admins');
select lives_ok(format($$select api.update_product(%s, false, %s, 'as api', '', 1, '{}')$$, (select a from t), (select pa from t)),
                'pms_api: the owner''s update goes through');
reset role;

-- And for a DBA's own session (this one): the functions ask for an actor like everyone's.
select throws_ok(format($$select api.delete_product(null, false, %s)$$, (select pa from t)), '42501', null,
                 'a DBA''s call without an actor is refused');
select throws_ok(format($$select api.update_product(%s, false, %s, 'dba as b', '', 1, '{}')$$, (select b from t), (select pa from t)),
                 '42501', null, 'a DBA acting as a user has that user''s rights, no more');

select * from finish();
rollback;
