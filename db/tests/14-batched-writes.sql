-- 14-batched-writes: api.create_products and api.update_products answer each call as the single
-- functions would, keep nothing of a call that failed and everything of the others.
begin;
create extension if not exists pgtap;
select plan(36);

create temporary table t (user_id bigint, a bigint, b bigint);
insert into t (user_id) select (api.create_user(null, true, 'batch tester') ->> 'id')::bigint;

-- A batch's outcome as one JSON object per position: the document's name, or the error.
create function pg_temp.outcomes(p_rows text)
returns jsonb
language plpgsql
as $$
declare
    v_outcomes jsonb;
begin
    execute format($q$
        select jsonb_agg(case when r.doc is not null then jsonb_build_object('name', r.doc ->> 'product_name')
                              else jsonb_build_object('sqlstate', r.error_sqlstate, 'message', r.error_message,
                                                      'detail', r.error_detail::jsonb) end
                         order by r.n)
          from (%s) as r $q$, p_rows) into v_outcomes;
    return v_outcomes;
end;
$$;

-- Calls without images: made together; every call's document comes back at its own position.
select is(pg_temp.outcomes(format($$select * from api.create_products('[
              [null, "true", "%1$s", "first", null, "1.00", null, "req-1"],
              [null, "true", "%1$s", "second", "x", "2.00", "{}", "req-2"],
              [null, "true", "%1$s", "third", "", "3", null, null]]')$$, (select user_id from t))),
          '[{"name": "first"}, {"name": "second"}, {"name": "third"}]',
          'create_products: each call''s document at its own position');
select is((select count(*) from pms.products where user_id = (select user_id from t)), 3::bigint,
          'create_products: all three committed');
select is((select description from pms.products where user_id = (select user_id from t) and name = 'first'), '',
          'create_products: a NULL description is stored as an empty one');

-- Calls that break rules beside calls that do not: each error as the single function raises it.
select is(pg_temp.outcomes(format($$select * from api.create_products('[
              [null, "true", "%1$s", "good one", null, "1.00", null, null],
              [null, "true", "%1$s", "", null, "1.00", null, null],
              [null, "true", "%1$s", "cheap", null, "1.001", null, null],
              [null, "true", "not a number", "x", null, "1", null, null],
              [null, "true", "%1$s", "bad image", null, "1", "{ftp://img.test/a.jpg}", null],
              [null, "true", null, "nobody''s", null, "1", null, null],
              [null, "true", "%1$s", "good two", null, "2.00", null, null]]')$$, (select user_id from t))),
          '[{"name": "good one"},
            {"sqlstate": "23514", "message": "product_name must be 1 to 200 characters", "detail": {"field": "product_name"}},
            {"sqlstate": "22023", "message": "product_price must have at most 2 decimal places", "detail": {"field": "product_price"}},
            {"sqlstate": "22P02", "message": "invalid input syntax for type bigint: \"not a number\"", "detail": null},
            {"sqlstate": "23514", "message": "product_images must be http or https URLs of at most 2048 characters", "detail": {"field": "product_images"}},
            {"sqlstate": "23502", "message": "user_id is required", "detail": {"field": "user_id"}},
            {"name": "good two"}]',
          'create_products: a failed call gets its own error; the others their documents');
select is((select array_agg(name::text order by name) from pms.products where user_id = (select user_id from t)
             and name not in ('first', 'second', 'third')),
          array['good one', 'good two'],
          'create_products: nothing of the failed calls is kept');

-- Calls with images: each job's image.process event carries the request id of its own call.
select is(pg_temp.outcomes(format($$select * from api.create_products('[
              [null, "true", "%1$s", "with image a", null, "1", "{http://img.test/a.jpg}", "req-a"],
              [null, "true", "%1$s", "plain", null, "1", null, "req-plain"],
              [null, "true", "%1$s", "with image b", null, "1", "{http://img.test/b.jpg,http://img.test/c.jpg}", "req-b"]]')$$,
              (select user_id from t))),
          '[{"name": "with image a"}, {"name": "plain"}, {"name": "with image b"}]',
          'create_products: calls with images beside one without');
select is((select jsonb_object_agg(o.payload ->> 'source_url', o.payload ->> 'request_id')
             from pms.outbox as o
            where o.topic = 'image.process'
              and (o.payload ->> 'product_id')::bigint in
                  (select id from pms.products where user_id = (select user_id from t))),
          '{"http://img.test/a.jpg": "req-a", "http://img.test/b.jpg": "req-b", "http://img.test/c.jpg": "req-b"}',
          'create_products: each image job''s event carries its own call''s request id');

select throws_ok($$select * from api.create_products('{"not": "an array"}')$$, '22023',
                 'a batch is a JSON array of calls', 'create_products refuses anything but an array');
select throws_ok($$select * from api.create_products(
                     (select jsonb_agg(jsonb_build_array(null, 'true', '1', 'x', null, '1', null, null)) from generate_series(1, 1001)))$$,
                 '22023', 'at most 1000 calls can be made at once', 'create_products refuses more than 1000 calls');
select is_empty($$select * from api.create_products('[]')$$, 'create_products of no calls: nothing');

-- update_products
update t set a = (select id from pms.products where user_id = t.user_id and name = 'first'),
             b = (select id from pms.products where user_id = t.user_id and name = 'second');

select is(pg_temp.outcomes(format($$select * from api.update_products('[
              [null, "true", "%2$s", "b renamed", null, "20.00", null, "req-u1"],
              [null, "true", "%1$s", "a renamed", "new", "10.00", null, "req-u2"]]')$$, (select a from t), (select b from t))),
          '[{"name": "b renamed"}, {"name": "a renamed"}]',
          'update_products: each call''s document at its own position');
select is((select array_agg(name || ' ' || price || ' ' || description order by id)
             from pms.products where id in ((select a from t), (select b from t))),
          array['a renamed 10.00 new', 'b renamed 20.00 '],
          'update_products: both committed');

select is(pg_temp.outcomes(format($$select * from api.update_products('[
              [null, "true", "%1$s", "a once", null, "11.00", null, null],
              [null, "true", "%1$s", "a twice", null, "12.00", null, null],
              [null, "true", "%2$s", "", null, "1", null, null],
              [null, "true", "999999999999", "ghost", null, "1", null, null],
              [null, "true", "abc", "x", null, "1", null, null],
              [null, "true", null, "x", null, "1", null, null]]')$$, (select a from t), (select b from t))),
          '[{"name": "a once"}, {"name": "a twice"},
            {"sqlstate": "23514", "message": "product_name must be 1 to 200 characters", "detail": {"field": "product_name"}},
            {"sqlstate": "P0002", "message": "product 999999999999 does not exist", "detail": null},
            {"sqlstate": "22P02", "message": "invalid input syntax for type bigint: \"abc\"", "detail": null},
            {"sqlstate": "P0002", "message": "product NULL does not exist", "detail": null}]',
          'update_products: two calls for one product both apply, in order; each failure gets its own error');
select is((select name || ' ' || price from pms.products where id = (select a from t)), 'a twice 12.00',
          'update_products: the later call for a product is the one that stays');
select is((select name from pms.products where id = (select b from t)), 'b renamed',
          'update_products: nothing of a failed call is kept');

create temporary table v as select version from pms.products where id = (select a from t);
select is((select array_agg((r.doc ->> 'version')::bigint order by r.n)
             from api.update_products(format('[[null, "true", "%1$s", "v1", null, "1", null, null], [null, "true", "%1$s", "v2", null, "1", null, null]]',
                                             (select a from t))::jsonb) as r),
          (select array[version + 1, version + 2] from v),
          'update_products: each call returns the version it made');

-- The id and version beside each document, so that pms-api need not parse it.
select is((select count(*)
             from api.create_products(format('[[null, "true", "%1$s", "c1", null, "1", null, null], [null, "true", "%1$s", "c2", null, "1", null, null]]',
                                             (select user_id from t))::jsonb) as r
            where r.product_id = (r.doc ->> 'id')::bigint and r.version = (r.doc ->> 'version')::bigint),
          2::bigint, 'create_products gives each product''s id and version beside its document');
select is((select count(*)
             from api.update_products(format('[[null, "true", "%1$s", "v3", null, "1", null, null]]',
                                             (select a from t))::jsonb) as r
            where r.product_id = (r.doc ->> 'id')::bigint and r.version = (r.doc ->> 'version')::bigint),
          1::bigint, 'update_products gives the id and version beside the document');

select is(pg_temp.outcomes(format($$select * from api.update_products('[
              [null, "true", "%1$s", "a with image", null, "1", "{http://img.test/u.jpg}", "req-img"],
              [null, "true", "%2$s", "b plain", null, "1", null, "req-plain"]]')$$, (select a from t), (select b from t))),
          '[{"name": "a with image"}, {"name": "b plain"}]',
          'update_products: a call with images beside one without');
select is((select o.payload ->> 'request_id'
             from pms.outbox as o
            where o.topic = 'image.process' and o.payload ->> 'source_url' = 'http://img.test/u.jpg'),
          'req-img', 'update_products: the new image job''s event carries its own call''s request id');
select is((select count(*) from pms.outbox as o
            where o.topic = 'cache.invalidate' and (o.payload ->> 'product_id')::bigint = (select b from t)),
          2::bigint, 'update_products: each committed update of a product, and only those, invalidates its cache entry');

-- The single functions are the batch of one: same documents, same errors.
select is(api.update_product(null, true, (select a from t), 'single', null, 3, null) ->> 'product_name', 'single',
          'update_product: the document');
select throws_ok(format($$select api.update_product(null, true, %s, '', null, 3, null)$$, (select a from t)), '23514',
                 'product_name must be 1 to 200 characters', 'update_product: a broken rule''s message');
select throws_ok($$select api.update_product(null, true, 999999999999, 'x', null, 3, null)$$, 'P0002',
                 'product 999999999999 does not exist', 'update_product: a missing product');

-- The single functions write their one row with a statement of their own (api.create_product says
-- why): for the same arguments they store what the batch stores, NULLs, images and version included.
create function pg_temp.fields(p_doc json)
returns jsonb
language sql
as $$
    select p_doc::jsonb - array['id', 'created_at', 'updated_at'];
$$;
select is(pg_temp.fields(api.create_product((select user_id from t), false, null, 'twin', null, 4.5, null)),
          (select pg_temp.fields(r.doc)
             from api.create_products(format('[["%s", "false", null, "twin", null, "4.5", null, null]]',
                                             (select user_id from t))::jsonb) as r),
          'create_product stores what create_products stores: the actor''s product, NULLs made empty');
create temporary table twins as
select (api.create_product(null, true, (select user_id from t), 'twin', 'd', 1,
                           array['http://img.test/twin-0.jpg', 'http://img.test/twin-1.jpg']) ->> 'id')::bigint as id
  from generate_series(1, 2);
select is(pg_temp.fields(api.create_product(null, true, (select user_id from t), 'twin', 'd', 1,
                                            array['http://img.test/twin-0.jpg'])),
          (select pg_temp.fields(r.doc)
             from api.create_products(format('[[null, "true", "%s", "twin", "d", "1", "{http://img.test/twin-0.jpg}", null]]',
                                             (select user_id from t))::jsonb) as r),
          'create_product stores what create_products stores: images and their pending jobs');
select is(pg_temp.fields(api.update_product((select user_id from t), false, (select min(id) from twins), 'twin 2', null, 2,
                                            array['http://img.test/twin-0.jpg', 'http://img.test/twin-1b.jpg'])),
          (select pg_temp.fields(r.doc)
             from api.update_products(format('[["%s", "false", "%s", "twin 2", null, "2", "{http://img.test/twin-0.jpg,http://img.test/twin-1b.jpg}", null]]',
                                             (select user_id from t), (select max(id) from twins))::jsonb) as r),
          'update_product stores what update_products stores: a superseded image, a NULL description, the version');

-- pms.update_products updates first and checks only when fewer rows changed than it was given
-- calls: the error undoes the rows it did update.
select throws_ok(format($$select * from pms.update_products('[[null, "true", "%1$s", "undone", null, "1", null, null],
                                                              [null, "true", "999999999999", "x", null, "1", null, null]]')$$,
                        (select a from t)),
                 'P0002', 'product 999999999999 does not exist', 'pms.update_products: a missing product among others');
select throws_ok(format($$select * from pms.update_products('[[null, "true", "%1$s", "undone", null, "1", null, null],
                                                              [null, "true", "%1$s", "undone too", null, "2", null, null]]')$$,
                        (select a from t)),
                 '22023', 'a batch of updates names a product more than once', 'pms.update_products: a product named twice');
select is((select name from pms.products where id = (select a from t)), 'single',
          'pms.update_products: a refused batch changed nothing');

-- pms.insert_products leaves out a call for another user and refuses the batch after: nothing stays.
select throws_ok(format($$select * from pms.insert_products('[["%1$s", "false", null, "undone insert", null, "1", null, null],
                                                              ["%1$s", "false", "%2$s", "undone insert", null, "1", null, null]]')$$,
                        (select user_id from t), (select user_id from t) + 1),
                 '42501', 'products can be created only for yourself', 'pms.insert_products: a call for another user among others');
select is((select count(*) from pms.products where name = 'undone insert'), 0::bigint,
          'pms.insert_products: a refused batch inserted nothing');

-- A caller that invalidates the cache itself before its COMMIT: no cache.invalidate rows. Last in
-- this file: the promise holds for the rest of the transaction.
create temporary table before_promise as
    select count(*) as rows from pms.outbox as o where o.topic = 'cache.invalidate';
select is((select r.doc ->> 'product_name'
             from api.update_products(format('[[null, "true", "%s", "invalidated by the caller", null, "1", null, null]]',
                                             (select a from t))::jsonb, true) as r),
          'invalidated by the caller', 'update_products, the caller invalidating: the document');
select is((select r.doc ->> 'product_name'
             from api.create_products(format('[[null, "true", "%s", "created by a caller who froze the pages", null, "1", null, null]]',
                                             (select user_id from t))::jsonb, true) as r),
          'created by a caller who froze the pages', 'create_products, the caller invalidating: the document');
select is((select count(*) from pms.outbox as o where o.topic = 'cache.invalidate'),
          (select rows from before_promise),
          'the callers invalidating: no cache.invalidate row, neither for the updated product nor for the sellers'' pages');
create temporary table with_image as
    select c.product_id
      from api.create_products(format('[[null, "true", "%s", "with an image", null, "1", "{http://img.example/a.jpg}", null]]',
                                      (select user_id from t))::jsonb, true) as c;
select is((select count(*) from pms.outbox as o
            where o.topic = 'image.process' and (o.payload ->> 'product_id')::bigint = (select product_id from with_image)),
          1::bigint, 'create_products, the caller invalidating: its image job is still announced');

select * from finish();
rollback;
