-- 07-triggers-outbox: outbox events, version and updated_at, the notify trigger, outbox_claim/outbox_delete.
begin;
create extension if not exists pgtap;
select plan(42);

create temporary table mark (outbox_id bigint);
insert into mark select coalesce(max(id), 0) from pms.outbox;
-- The events of a topic written since the last mark, in order.
create function pg_temp.events(p_topic text)
returns jsonb
language sql
as $$
    select coalesce(jsonb_agg(payload order by id), '[]')
      from pms.outbox
     where id > (select outbox_id from mark) and topic = p_topic;
$$;
create procedure pg_temp.mark()
language sql
as $$
    update mark set outbox_id = (select coalesce(max(id), 0) from pms.outbox);
$$;

create temporary table t (user_id bigint, product_id bigint);
insert into t (user_id) select (api.create_user(null, true, 'trigger tester') ->> 'id')::bigint;
create function pg_temp.version()
returns bigint
language sql
as $$
    select version from pms.products where id = (select product_id from t);
$$;
create function pg_temp.job(p_position integer)
returns bigint
language sql
as $$
    select id from pms.image_jobs
     where product_id = (select product_id from t) and position = p_position and status <> 'superseded';
$$;

-- create: one image.process event per image, no invalidation.
update t set product_id = (api.create_product(null, true, user_id, 'Evented', '', 1,
                                              array['http://img.test/0.jpg', 'http://img.test/1.jpg'], 'req-a') ->> 'id')::bigint;
select is(jsonb_array_length(pg_temp.events('image.process')), 2, 'create: one image.process event per image');
select is(
    (select array_agg(k order by k) from jsonb_object_keys(pg_temp.events('image.process') -> 0) as k),
    array['enqueued_at', 'job_id', 'position', 'product_id', 'request_id', 'source_url'],
    'image.process payload: the message body''s keys');
select is(
    (pg_temp.events('image.process') -> 0) - 'enqueued_at',
    jsonb_build_object('job_id', pg_temp.job(0), 'product_id', (select product_id from t), 'position', 0,
                       'source_url', 'http://img.test/0.jpg', 'request_id', 'req-a'),
    'image.process payload: job, product, position, URL and the request id of the call');
select is((pg_temp.events('image.process') -> 1 ->> 'job_id')::bigint, pg_temp.job(1), 'the second event is the second job');
select matches(pg_temp.events('image.process') -> 0 ->> 'enqueued_at', '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$',
               'enqueued_at is ISO-8601 UTC');
select is(pg_temp.events('cache.invalidate'), jsonb_build_array(jsonb_build_object('user_ids', jsonb_build_array((select user_id from t)))),
          'create: one cache.invalidate naming the seller, whose pages changed, and no product');
select is(pg_temp.version(), 1::bigint, 'a new product has version 1');

-- update without image change: one invalidation, no job.
call pg_temp.mark();
do $$ begin perform api.update_product(null, true, (select product_id from t), 'Renamed', '', 1,
                                       array['http://img.test/0.jpg', 'http://img.test/1.jpg'], 'req-b'); end $$;
select is(pg_temp.version(), 2::bigint, 'update: version bumped');
select is(pg_temp.events('cache.invalidate'),
          jsonb_build_array(jsonb_build_object('product_id', (select product_id from t), 'version', 2,
                                               'user_ids', jsonb_build_array((select user_id from t)))),
          'update: one cache.invalidate {product_id, version, user_ids}');
select is(pg_temp.events('image.process'), '[]', 'update with the same images: no image.process');

-- a worker's write-back invalidates too.
call pg_temp.mark();
do $$ begin perform api.start_image_job(pg_temp.job(0), 'req-w'); end $$;
select is(pg_temp.version(), 3::bigint, 'job update: the product''s version is bumped');
select is(pg_temp.events('cache.invalidate') -> 0 -> 'version', '3', 'job update: cache.invalidate with the new version');

-- update with a changed image: image.process for it; the last invalidation carries the final version
-- (the supersede touches the product again; pms-bridge only ever raises a version floor, so the
-- newest wins).
call pg_temp.mark();
create temporary table put_result as select pg_temp.version() as version_before, null::jsonb as doc;
update put_result
   set doc = api.update_product(null, true, (select product_id from t), 'Renamed', '', 1,
                                array['http://img.test/0.jpg', 'http://img.test/1b.jpg'], 'req-c')::jsonb;
select is(jsonb_array_length(pg_temp.events('image.process')), 1, 'changed image: exactly one image.process');
select is((select doc from put_result), (select doc::jsonb from pms.products where id = (select product_id from t)),
          'changed image: the PUT returns the document as stored, the superseded job left out');
select is(pg_temp.version(), (select version_before + 1 from put_result),
          'changed image: superseding the old job does not bump the version a second time');
select is(
    (pg_temp.events('image.process') -> 0) - 'enqueued_at',
    jsonb_build_object('job_id', pg_temp.job(1), 'product_id', (select product_id from t), 'position', 1,
                       'source_url', 'http://img.test/1b.jpg', 'request_id', 'req-c'),
    'changed image: the new job''s event, with the PUT''s request id');
select ok(
    (select max((e ->> 'version')::bigint) = pg_temp.version()
            and (array_agg((e ->> 'version')::bigint order by o desc))[1] = pg_temp.version()
       from jsonb_array_elements(pg_temp.events('cache.invalidate')) with ordinality as x (e, o)),
    'changed image: the last invalidation carries the latest version, none a newer one');

-- A DBA's direct SQL goes through the same triggers.
do $$ begin perform set_config('pms.request_id', '', true); end $$; -- what a DBA's own transaction has
call pg_temp.mark();
update pms.products set price = 7 where id = (select product_id from t);
select is(pg_temp.events('cache.invalidate'),
          jsonb_build_array(jsonb_build_object('product_id', (select product_id from t), 'version', pg_temp.version(),
                                               'user_ids', jsonb_build_array((select user_id from t)))),
          'direct UPDATE: cache.invalidate');
call pg_temp.mark();
update pms.products set images = array['http://img.test/0.jpg', 'http://img.test/1c.jpg'] where id = (select product_id from t);
select is((select source_url from pms.image_jobs where id = pg_temp.job(1)), 'http://img.test/1c.jpg', 'direct UPDATE of images: the new image gets a job');
select is(jsonb_array_length(pg_temp.events('image.process')), 1, 'direct UPDATE of images: one image.process');
select is(pg_temp.events('image.process') -> 0 -> 'request_id', 'null', 'direct SQL: request_id is null');
select is(
    (select count(*)::integer from pms.image_jobs where product_id = (select product_id from t) and status = 'superseded'), 2,
    'direct UPDATE of images: the replaced jobs are superseded');
call pg_temp.mark();
delete from pms.image_jobs where id = pg_temp.job(1);
select is(jsonb_array_length(pg_temp.events('cache.invalidate')), 1, 'direct DELETE of a job: cache.invalidate');

-- A DBA giving a product to another seller changes both sellers' pages; a bulk INSERT writes one row.
create temporary table second_seller as select (api.create_user(null, true, 'second seller') ->> 'id')::bigint as id;
call pg_temp.mark();
update pms.products set user_id = (select id from second_seller) where id = (select product_id from t);
select is(pg_temp.events('cache.invalidate') -> 0 -> 'user_ids',
          jsonb_build_array((select id from second_seller), (select user_id from t)),
          'direct UPDATE of the owner: both sellers named, the new one first');
update pms.products set user_id = (select user_id from t) where id = (select product_id from t);
call pg_temp.mark();
insert into pms.products (user_id, name, price)
select u.id, 'bulk ' || g, 1
  from generate_series(1, 3) as g
 cross join (select (api.create_user(null, true, 'bulk seller ' || k) ->> 'id')::bigint as id
               from generate_series(1, 2) as k) as u;
select is(jsonb_array_length(pg_temp.events('cache.invalidate')), 1, 'bulk INSERT: one cache.invalidate row for the statement');
select is(jsonb_array_length(pg_temp.events('cache.invalidate') -> 0 -> 'user_ids'), 2, 'bulk INSERT: each seller named once');

-- updated_at follows the client's fields only; version follows everything.
update pms.products set updated_at = '2000-01-01 00:00:00+00' where id = (select product_id from t);
create temporary table v as select pg_temp.version() as before;
do $$ begin perform api.complete_image_job(pg_temp.job(0), 'http://s3.test/pms-images/0.jpg', 1, 1, 1); end $$;
select is((select updated_at from pms.products where id = (select product_id from t)), '2000-01-01 00:00:00+00'::timestamptz,
          'a finished image does not change updated_at');
select is(pg_temp.version(), (select before + 1 from v), 'but bumps the version');
do $$ begin perform api.update_product(null, true, (select product_id from t), 'Renamed again', '', 1, array['http://img.test/0.jpg']); end $$;
select is((select updated_at from pms.products where id = (select product_id from t)), now(), 'a change of the product sets updated_at');

-- delete: the last invalidation is newer than any cached copy.
update v set before = pg_temp.version();
call pg_temp.mark();
do $$ begin perform api.delete_product(null, true, (select product_id from t), 'req-d'); end $$;
select is(pg_temp.events('cache.invalidate') -> -1,
          jsonb_build_object('product_id', (select product_id from t), 'version', (select before + 1 from v),
                             'user_ids', jsonb_build_array((select user_id from t))),
          'delete: cache.invalidate with version + 1, naming the seller');

-- The wake-up (its rules: 10-outbox-wake.sql).
select trigger_is('pms', 'outbox', 'outbox_notify', 'pms', 'outbox_notify', 'outbox_notify calls pms.outbox_notify()');
select is((select tgtype::integer from pg_trigger where tgname = 'outbox_notify' and tgrelid = 'pms.outbox'::regclass),
          5, 'outbox_notify is AFTER INSERT FOR EACH ROW (tgtype 5), a deferred constraint trigger');
select ok((select prosrc ~ 'pg_notify\(''pms_outbox'', ''''\)' from pg_proc where oid = 'pms.outbox_notify()'::regprocedure),
          'it notifies channel pms_outbox with an empty payload');

-- outbox_claim / outbox_delete
call pg_temp.mark();
insert into pms.outbox (topic, payload)
values ('cache.invalidate', '{"product_id": -1, "version": 1}'), ('image.process', '{"job_id": -1}'),
       ('cache.invalidate', '{"product_id": -2, "version": 1}'), ('cache.invalidate', '{"product_id": -3, "version": 1}');
create temporary table claimed as
select * from api.outbox_claim('cache.invalidate', 10000) as c where c.id > (select outbox_id from mark);
select is((select jsonb_agg(payload order by id) from claimed),
          '[{"product_id": -1, "version": 1}, {"product_id": -2, "version": 1}, {"product_id": -3, "version": 1}]',
          'outbox_claim: the rows of the topic, in id order');
select ok((select bool_and(payload ? 'job_id') from api.outbox_claim('image.process', 10000)), 'outbox_claim: only the topic asked for');
select is((select count(*)::integer from api.outbox_claim('cache.invalidate', 2)), 2, 'outbox_claim: at most p_limit rows');
select throws_ok($$select * from api.outbox_claim('cache.invalidate', 0)$$, '22023', 'limit must be between 1 and 10000', 'outbox_claim: limit 0 22023');
select throws_ok($$select * from api.outbox_claim('cache.invalidate', null)$$, '22023', null, 'outbox_claim: NULL limit 22023');
select is(api.outbox_delete((select array_agg(id) from claimed)), 3, 'outbox_delete: the number of rows deleted');
select is(api.outbox_delete((select array_agg(id) from claimed)), 0, 'outbox_delete again: 0');
select is(api.outbox_delete(null), 0, 'outbox_delete(NULL): 0');
select is((select count(*)::integer from pms.outbox where id in (select id from claimed)), 0, 'the rows are gone');

select * from finish();
rollback;
