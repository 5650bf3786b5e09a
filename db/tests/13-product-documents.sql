-- 13-product-documents: pms.products.doc is always the product as pms.product_json builds it, whoever
-- changes the product or its images, and the readers return it.
begin;
create extension if not exists pgtap;
select plan(17);

create temporary table t (user_id bigint, product_id bigint);
insert into t (user_id) select (api.create_user(null, true, 'doc tester') ->> 'id')::bigint;
update t set product_id = (api.create_product(null, true, user_id, 'Lamp', 'brass', 10,
                                              array['http://img.test/0.jpg', 'http://img.test/1.jpg']) ->> 'id')::bigint;

-- The stored document against one built now from the row and its jobs.
create function pg_temp.doc_is_current(p_description text)
returns text
language sql
as $$
    select is(p.doc::jsonb, pms.product_json(p)::jsonb, p_description)
      from pms.products as p
     where p.id = (select product_id from t);
$$;
create function pg_temp.job(p_position integer)
returns bigint
language sql
as $$
    select id from pms.image_jobs
     where product_id = (select product_id from t) and position = p_position and status <> 'superseded';
$$;

select pg_temp.doc_is_current('created: the document is stored with the row');
select is(api.get_product((select product_id from t)) ->> 'image_status', 'pending',
          'created: both images pending');

select api.start_image_job(pg_temp.job(0));
select pg_temp.doc_is_current('a worker started an image: the document follows');
select api.complete_image_job(pg_temp.job(0), 'http://s3.test/pms-images/a.jpg', 800, 600, 100);
select api.fail_image_job(pg_temp.job(1), 'not an image');
select pg_temp.doc_is_current('one image done, one failed: the document follows');
select is(api.get_product((select product_id from t))::jsonb -> 'compressed_product_images',
          '["http://s3.test/pms-images/a.jpg", null]'::jsonb, 'get_product returns the results');

select api.update_product(null, true, (select product_id from t), 'Lamp', 'brass', 12,
                          array['http://img.test/0.jpg', 'http://img.test/2.jpg']);
select pg_temp.doc_is_current('a PUT replaced an image: the document follows');
select is(api.get_product((select product_id from t)) #>> '{images,1,status}', 'pending',
          'the replaced position is pending again, not the superseded job''s failure');
select is(api.get_product((select product_id from t)) #>> '{images,0,status}', 'done',
          'the kept position keeps its result');

-- A DBA's direct SQL, on the product and on a job, and an attempt to write the document itself.
update pms.products set name = 'Desk lamp' where id = (select product_id from t);
select pg_temp.doc_is_current('a DBA''s UPDATE of the product: the document follows');
update pms.image_jobs set status = 'failed', error = 'by hand' where id = pg_temp.job(0);
select pg_temp.doc_is_current('a DBA''s UPDATE of a job: the document follows');
update pms.products set doc = '{"forged": true}' where id = (select product_id from t);
select pg_temp.doc_is_current('a document written by hand is replaced by the real one');

select is((select count(*)
             from pms.products as p
            where p.user_id = (select user_id from t) and p.doc::jsonb is distinct from pms.product_json(p)::jsonb),
          0::bigint, 'no stored document differs from its product');

-- A row written before migration 0006 has no document yet: the readers build it.
alter table pms.products disable trigger products_before_write;
update pms.products set doc = null where id = (select product_id from t);
alter table pms.products enable trigger products_before_write;
select is(api.get_product((select product_id from t))::jsonb,
          (select pms.product_json(p)::jsonb from pms.products as p where p.id = (select product_id from t)),
          'get_product builds the document of a row that has none');
select is(api.list_products((select user_id from t), null, null, null, 20, null)::jsonb -> 'items' -> 0,
          (select pms.product_json(p)::jsonb from pms.products as p where p.id = (select product_id from t)),
          'list_products builds the document of a row that has none');

-- The same for each way list_products reads a page: a second product without a document, newer,
-- read in the scan of the seller's newest rows (a page of 1), by the unfiltered scan of every user's
-- products, and by name (ids first).
insert into t (user_id, product_id)
select null, (api.create_product(null, true, (select user_id from t where product_id is not null), 'doc tester newer', '', 2, '{}') ->> 'id')::bigint;
alter table pms.products disable trigger products_before_write;
update pms.products set doc = null where id = (select max(product_id) from t);
alter table pms.products enable trigger products_before_write;
select is(api.list_products((select user_id from t where user_id is not null), null, null, null, 1, null)::jsonb -> 'items' -> 0,
          (select pms.product_json(p)::jsonb from pms.products as p where p.id = (select max(product_id) from t)),
          'a page of the seller''s newest rows builds the missing document');
select is(api.list_products(null, null, null, null, 1, null)::jsonb -> 'items' -> 0,
          (select pms.product_json(p)::jsonb from pms.products as p where p.id = (select max(product_id) from t)),
          'a page of every user''s products builds the missing document');
select is(api.list_products(null, null, null, 'doc tester newer', 1, null)::jsonb -> 'items' -> 0,
          (select pms.product_json(p)::jsonb from pms.products as p where p.id = (select max(product_id) from t)),
          'a page found by name builds the missing document');

select * from finish();
rollback;
