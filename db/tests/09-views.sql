-- 09-views: the DBA views over the image pipeline and the outbox.
begin;
create extension if not exists pgtap;
select plan(9);

select has_view('pms', 'image_jobs_by_status', 'pms.image_jobs_by_status exists');
select has_view('pms', 'stuck_image_jobs', 'pms.stuck_image_jobs exists');
select has_view('pms', 'outbox_backlog', 'pms.outbox_backlog exists');

-- Start from a known state inside this rolled-back transaction.
-- (deleting jobs writes cache.invalidate events, so the outbox goes second)
delete from pms.image_jobs;
delete from pms.outbox;

create temporary table t (product_id bigint);
insert into t
select (api.create_product(null, true, (api.create_user(null, true, 'viewer') ->> 'id')::bigint, 'Viewed', '', 1,
                           array['http://127.0.0.1/a.jpg', 'http://127.0.0.1/b.jpg']) ->> 'id')::bigint;

select results_eq(
    $$ select status::text, jobs from pms.image_jobs_by_status $$,
    $$ values ('pending', 2::bigint) $$,
    'two new images are two pending jobs'
);

select results_eq(
    $$ select topic::text, events from pms.outbox_backlog order by topic $$,
    $$ values ('cache.invalidate', 1::bigint), ('image.process', 2::bigint) $$,
    'their two image.process events wait in the outbox, beside the cache.invalidate of the seller''s pages'
);
select ok((select oldest_age >= interval '0' from pms.outbox_backlog where topic = 'image.process'),
          'the backlog has an age');

select is_empty($$ select * from pms.stuck_image_jobs $$, 'fresh jobs are not stuck');

-- Without triggers for a moment: the update trigger would set updated_at to now().
set local session_replication_role = replica;
update pms.image_jobs set updated_at = now() - interval '10 minutes'
 where product_id = (select product_id from t) and position = 0;
set local session_replication_role = origin;
select results_eq(
    $$ select position::integer, status::text from pms.stuck_image_jobs $$,
    $$ values (0, 'pending') $$,
    'a job unchanged for ten minutes is stuck'
);
select ok((select age >= interval '10 minutes' from pms.stuck_image_jobs), 'with its age');

select * from finish();
rollback;
