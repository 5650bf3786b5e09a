-- 02-constraints: a DBA's direct SQL is held to the same rules as the API (constraints, not code).
begin;
create extension if not exists pgtap;
select plan(38);

insert into pms.users (name) values ('constraint tester');
create temporary table t (user_id bigint, product_id bigint);
insert into t (user_id) select max(id) from pms.users;

-- users
select throws_ok($$insert into pms.users (name) values ('')$$, '23514', null, 'user name: empty refused');
select throws_ok($$insert into pms.users (name) values (repeat('x', 201))$$, '23514', null, 'user name: 201 characters refused');
select lives_ok($$insert into pms.users (name) values (repeat('é', 200))$$, 'user name: 200 characters (not bytes) accepted');
select throws_ok($$insert into pms.users (name) values (null)$$, '23502', null, 'user name: NULL refused');

-- products
create function pg_temp.insert_product(p_name text, p_description text, p_price numeric, p_images text[])
returns void language sql as $$
    insert into pms.products (user_id, name, description, price, images)
    select user_id, p_name, p_description, p_price, p_images from t;
$$;
select lives_ok($$select pg_temp.insert_product('ok', '', 0, '{}')$$, 'product: a valid row is accepted');
select throws_ok($$select pg_temp.insert_product('', '', 1, '{}')$$, '23514', null, 'product name: empty refused');
select throws_ok($$select pg_temp.insert_product(repeat('x', 201), '', 1, '{}')$$, '23514', null, 'product name: 201 characters refused');
select lives_ok($$select pg_temp.insert_product(repeat('x', 200), '', 1, '{}')$$, 'product name: 200 characters accepted');
select throws_ok($$select pg_temp.insert_product(null, '', 1, '{}')$$, '23502', null, 'product name: NULL refused');
select throws_ok($$select pg_temp.insert_product('x', repeat('d', 10001), 1, '{}')$$, '23514', null, 'description: 10001 characters refused');
select lives_ok($$select pg_temp.insert_product('x', repeat('d', 10000), 1, '{}')$$, 'description: 10000 characters accepted');
select throws_ok($$select pg_temp.insert_product('x', null, 1, '{}')$$, '23502', null, 'description: NULL refused');
select throws_ok($$select pg_temp.insert_product('x', '', -0.01, '{}')$$, '23514', null, 'price: negative refused');
select throws_ok($$select pg_temp.insert_product('x', '', 1e10, '{}')$$, '22003', null, 'price: 11 integer digits refused by numeric(12,2)');
select throws_ok($$select pg_temp.insert_product('x', '', null, '{}')$$, '23502', null, 'price: NULL refused');
select throws_ok(
    $$select pg_temp.insert_product('x', '', 1, array_fill('http://a.test/i.jpg'::text, array[11]))$$,
    '23514', null, 'images: 11 refused');
select lives_ok(
    $$select pg_temp.insert_product('x', '', 1, array_fill('http://a.test/i.jpg'::text, array[10]))$$,
    'images: 10 accepted');
select throws_ok($$select pg_temp.insert_product('x', '', 1, array['ftp://a.test/i.jpg'])$$, '23514', null, 'images: ftp URL refused');
select throws_ok($$select pg_temp.insert_product('x', '', 1, array['http://a.test/a b.jpg'])$$, '23514', null, 'images: URL with a space refused');
select throws_ok($$select pg_temp.insert_product('x', '', 1, array['http:///i.jpg'])$$, '23514', null, 'images: URL without host refused');
select throws_ok(
    $$select pg_temp.insert_product('x', '', 1, array['https://a.test/' || repeat('x', 2049 - 15)])$$,
    '23514', null, 'images: 2049-character URL refused');
select lives_ok(
    $$select pg_temp.insert_product('x', '', 1, array['HTTPS://a.test/' || repeat('x', 2048 - 15)])$$,
    'images: 2048-character URL accepted (scheme case-insensitive)');
select throws_ok($$select pg_temp.insert_product('x', '', 1, array['http://a.test/1.jpg', null])$$, '23514', null, 'images: NULL element refused');
select throws_ok($$select pg_temp.insert_product('x', '', 1, '[0:0]={http://a.test/1.jpg}')$$, '23514', null, 'images: array not starting at 1 refused');
select throws_ok($$select pg_temp.insert_product('x', '', 1, '{{http://a.test/1.jpg}}')$$, '23514', null, 'images: two-dimensional array refused');
select throws_ok(
    $$insert into pms.products (user_id, name, price) values (-1, 'x', 1)$$,
    '23503', null, 'product: unknown user refused');
select throws_ok($$delete from pms.users where id = (select user_id from t)$$, '23503', null, 'user: cannot be deleted while owning products (RESTRICT)');

-- image_jobs
insert into pms.products (user_id, name, price, images)
select user_id, 'with image', 1, array['http://a.test/1.jpg'] from t;
update t set product_id = (select max(id) from pms.products);

-- The rules hold for an UPDATE too, and an error names its rule. They are the columns' domains
-- (migration 0015), checked where a value is given: a negative version is refused even though the
-- trigger would replace it.
select throws_ok($$update pms.products set name = '' where id = (select product_id from t)$$,
                 '23514', 'value for domain pms.product_name violates check constraint "products_name_length"',
                 'product name: an UPDATE to empty refused, naming the rule');
select throws_ok($$update pms.products set images = array['ftp://a.test/i.jpg'] where id = (select product_id from t)$$,
                 '23514', null, 'images: an UPDATE to an ftp URL refused');
select throws_ok($$update pms.products set version = -5 where id = (select product_id from t)$$,
                 '23514', null, 'version: an UPDATE to a negative version refused');
select throws_ok(
    $$insert into pms.image_jobs (product_id, position, source_url) select product_id, 0, 'http://a.test/2.jpg' from t$$,
    '23505', null, 'jobs: a second live job for the same position refused');
select throws_ok(
    $$insert into pms.image_jobs (product_id, position, source_url) select product_id, 10, 'http://a.test/2.jpg' from t$$,
    '23514', null, 'jobs: position 10 refused');
select throws_ok(
    $$update pms.image_jobs set status = 'done' where product_id = (select product_id from t)$$,
    '23514', null, 'jobs: done without a result refused');
select throws_ok(
    $$update pms.image_jobs set status = 'failed' where product_id = (select product_id from t)$$,
    '23514', null, 'jobs: failed without an error refused');
select throws_ok(
    $$update pms.image_jobs set width = 0 where product_id = (select product_id from t)$$,
    '23514', null, 'jobs: width 0 refused');
select throws_ok(
    $$update pms.image_jobs set compressed_url = 's3://bucket/x' where product_id = (select product_id from t)$$,
    '23514', null, 'jobs: non-http compressed_url refused');

-- outbox
select throws_ok($$insert into pms.outbox (topic, payload) values ('other', '{}')$$, '23514', null, 'outbox: unknown topic refused');
select throws_ok($$insert into pms.outbox (topic, payload) values ('cache.invalidate', '[]')$$, '23514', null, 'outbox: non-object payload refused');

select * from finish();
rollback;
