-- 04-products: api.create_product, get_product, update_product, delete_product and their errors.
begin;
create extension if not exists pgtap;
select plan(49);

\ir lib/error_of.sql

create temporary table t (user_id bigint, product jsonb, bare jsonb);
insert into t (user_id) select (api.create_user(null, true, 'owner') ->> 'id')::bigint;
update t set product = api.create_product(null, true, user_id, 'Desk lamp', 'Bright', 19.99,
                                          array['http://img.test/a.jpg', 'https://img.test/b.png'], 'req-create');
update t set bare = api.create_product(null, true, user_id, 'Bare', null, 5, null);

-- A product for the statements below to name; (select id from p) reads better than a subquery on t.
create temporary view p as select (product ->> 'id')::bigint as id, user_id from t;

-- create_product
select is(
    (select array_agg(k order by k) from t, jsonb_object_keys(product) as k),
    array['compressed_product_images', 'created_at', 'id', 'image_status', 'images', 'product_description',
          'product_images', 'product_name', 'product_price', 'updated_at', 'user_id', 'version'],
    'the product JSON has exactly the contract''s keys');
select is((select product -> 'user_id' from t), (select to_jsonb(user_id) from t), 'user_id');
select is((select product ->> 'product_name' from t), 'Desk lamp', 'product_name');
select is((select product ->> 'product_description' from t), 'Bright', 'product_description');
select is((select product -> 'product_price' from t), '19.99', 'product_price is a JSON number');
select is((select product -> 'product_images' from t), '["http://img.test/a.jpg", "https://img.test/b.png"]', 'product_images in order');
select is((select product -> 'compressed_product_images' from t), '[null, null]', 'compressed_product_images: null until done');
select is((select product ->> 'image_status' from t), 'pending', 'image_status pending while nothing started');
select is(
    (select product -> 'images' -> 1 from t),
    '{"position": 1, "source_url": "https://img.test/b.png", "status": "pending", "compressed_url": null,
      "width": null, "height": null, "bytes": null, "error": null}',
    'images[] carries each image''s details');
select matches((select product ->> 'updated_at' from t), '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$', 'updated_at is ISO-8601');
select is((select bare ->> 'product_description' from t), '', 'NULL description is stored as empty');
select is((select bare -> 'product_images' from t), '[]', 'NULL images are stored as none');
select is((select bare ->> 'image_status' from t), 'done', 'no images: image_status done');
select is(
    (select count(*)::integer from pms.image_jobs where product_id = (select id from p) and status = 'pending'),
    2, 'one pending job per image');

select throws_ok($$select api.create_product(null, true, -1, 'x', '', 1, '{}')$$, '23503', 'user_id must name an existing user', 'unknown user: 23503');
select throws_ok($$select api.create_product(null, true, null, 'x', '', 1, '{}')$$, '23502', 'user_id is required', 'NULL user: 23502');
select throws_ok($$select api.create_product(null, true, (select user_id from t), '', '', 1, '{}')$$, '23514', 'product_name must be 1 to 200 characters', 'empty name: 23514');
select throws_ok($$select api.create_product(null, true, (select user_id from t), null, '', 1, '{}')$$, '23502', 'product_name is required', 'NULL name: 23502');
select throws_ok(
    $$select api.create_product(null, true, (select user_id from t), 'x', repeat('d', 10001), 1, '{}')$$,
    '23514', 'product_description must be at most 10000 characters', 'long description: 23514');
select throws_ok($$select api.create_product(null, true, (select user_id from t), 'x', '', -1, '{}')$$, '23514', 'product_price must be 0 or more', 'negative price: 23514');
select throws_ok($$select api.create_product(null, true, (select user_id from t), 'x', '', null, '{}')$$, '23502', 'product_price is required', 'NULL price: 23502');
select throws_ok(
    $$select api.create_product(null, true, (select user_id from t), 'x', '', 1.999, '{}')$$,
    '22023', 'product_price must have at most 2 decimal places', 'three decimals: 22023, not rounded');
select lives_ok($$select api.create_product(null, true, (select user_id from t), 'x', '', 1.990, '{}')$$, 'trailing zeros are not extra decimals');
select throws_ok(
    $$select api.create_product(null, true, (select user_id from t), 'x', '', 1e10, '{}')$$,
    '22003', 'product_price must have at most 10 digits before the decimal point', 'price too large: 22003');
select throws_ok(
    $$select api.create_product(null, true, (select user_id from t), 'x', '', 1, array_fill('http://a.test/i.jpg'::text, array[11]))$$,
    '23514', 'product_images must be a list of at most 10 URLs', '11 images: 23514');
select throws_ok(
    $$select api.create_product(null, true, (select user_id from t), 'x', '', 1, array['javascript:alert(1)'])$$,
    '23514', 'product_images must be http or https URLs of at most 2048 characters', 'not an http URL: 23514');
select is(
    pg_temp.error_of($$select api.create_product(null, true, (select user_id from t), '', '', 1, '{}')$$) -> 'detail',
    '{"field": "product_name"}', 'rule errors carry DETAIL {"field": ...}');
select is(
    pg_temp.error_of($$select api.create_product(null, true, (select user_id from t), 'x', '', 1.999, '{}')$$) -> 'detail',
    '{"field": "product_price"}', 'price errors carry DETAIL {"field": "product_price"}');

-- get_product
select is(api.get_product((select id from p))::jsonb, (select product from t), 'get_product returns what create_product returned');
select throws_ok($$select api.get_product(-1)$$, 'P0002', 'product -1 does not exist', 'missing product: P0002');

-- get_products: the batch form
select set_eq($$select p.doc::jsonb from api.get_products(array[(select id from p), (select id from p), -1]) as p$$,
              array[(select product from t)],
              'get_products returns each product found once, and nothing for an id that names none');
select is((select count(*)
             from api.get_products(array[(select id from p)]) as r
            where r.product_id = (r.doc ->> 'id')::bigint and r.version = (r.doc ->> 'version')::bigint),
          1::bigint, 'get_products gives each document''s id and version beside it');
select is_empty($$select api.get_products('{}')$$, 'get_products of no ids: nothing');
select throws_ok($$select api.get_products(array(select generate_series(1, 1001)::bigint))$$, '22023',
                 'at most 1000 products can be read at once', 'get_products refuses more than 1000 ids');

-- update_product
create temporary table u as
select api.update_product(null, true, (select id from p), 'Floor lamp', null, 25.5,
                          array['http://img.test/a.jpg', 'https://img.test/b.png'], 'req-update')::jsonb as product;
select is((select product ->> 'product_name' from u), 'Floor lamp', 'update_product replaces the name');
select is((select product -> 'product_price' from u), '25.50', 'update_product replaces the price');
select is((select product ->> 'product_description' from u), '', 'update_product: NULL description is stored as empty');
select is((select product -> 'user_id' from u), (select product -> 'user_id' from t), 'update_product keeps the owner');
select is((select product ->> 'created_at' from u), (select product ->> 'created_at' from t), 'update_product keeps created_at');
select is(api.get_product((select id from p))::jsonb, (select product from u), 'update_product returns what get_product then returns');
select throws_ok($$select api.update_product(null, true, -1, 'x', '', 1, '{}')$$, 'P0002', 'product -1 does not exist', 'update of a missing product: P0002');
select throws_ok($$select api.update_product(null, true, (select id from p), '', '', 1, '{}')$$, '23514', 'product_name must be 1 to 200 characters', 'update: empty name 23514');
select throws_ok($$select api.update_product(null, true, (select id from p), 'x', '', 0.001, '{}')$$, '22023', 'product_price must have at most 2 decimal places', 'update: three decimals 22023');
select throws_ok(
    $$select api.update_product(null, true, (select id from p), 'x', '', 1, array['http://a.test/1.jpg', 'nope'])$$,
    '23514', 'product_images must be http or https URLs of at most 2048 characters', 'update: bad URL 23514');
select is(api.get_product((select id from p))::jsonb, (select product from u), 'a refused update changes nothing');

-- delete_product
select is(api.delete_product(null, true, (select id from p), 'req-delete'), (select user_id from pms.products where id = (select id from p)),
          'delete_product deletes and returns the owner');
select throws_ok($$select api.get_product((select id from p))$$, 'P0002', null, 'the product is gone');
select is((select count(*)::integer from pms.image_jobs where product_id = (select id from p)), 0, 'its image jobs are gone (cascade)');
select throws_ok($$select api.delete_product(null, true, (select id from p))$$, 'P0002', null, 'deleting it again: P0002');

select * from finish();
rollback;
