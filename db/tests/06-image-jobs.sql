-- 06-image-jobs: start/complete/fail, superseding on update, image_status.
begin;
create extension if not exists pgtap;
select plan(46);

create temporary table t (user_id bigint, product_id bigint);
insert into t (user_id) select (api.create_user(null, true, 'worker tester') ->> 'id')::bigint;
update t set product_id = (api.create_product(null, true, user_id, 'Two images', '', 1,
                                              array['http://img.test/0.jpg', 'http://img.test/1.jpg']) ->> 'id')::bigint;

-- The live job of a position, and a job by id.
create function pg_temp.job(p_position integer)
returns bigint
language sql
as $$
    select id from pms.image_jobs
     where product_id = (select product_id from t) and position = p_position and status <> 'superseded';
$$;
create function pg_temp.product()
returns jsonb
language sql
as $$
    select api.get_product((select product_id from t));
$$;
create temporary table j0 as select * from pms.image_jobs where id = pg_temp.job(0);
create temporary table j1 as select * from pms.image_jobs where id = pg_temp.job(1);

-- start_image_job
select is(
    api.start_image_job((select id from j0), 'req-w'),
    jsonb_build_object('action', 'process', 'reason', null, 'job_id', (select id from j0),
                       'product_id', (select product_id from t), 'position', 0, 'source_url', 'http://img.test/0.jpg',
                       'attempts', 1),
    'start: a pending job is to be processed');
select is((select status::text || '/' || attempts from pms.image_jobs where id = (select id from j0)), 'processing/1',
          'start marks it processing and counts the attempt');
select is(pg_temp.product() ->> 'image_status', 'processing', 'image_status processing once an image started');
select is(api.start_image_job((select id from j0)) ->> 'action', 'process', 'start again (redelivery): processed again');
select is((select attempts from pms.image_jobs where id = (select id from j0)), 2, 'second attempt counted');

-- complete_image_job
select is(
    api.complete_image_job((select id from j0), 'http://s3.test/pms-images/aa.jpg', 800, 600, 12345, 'req-w'),
    jsonb_build_object('job_id', (select id from j0), 'status', 'done'),
    'complete: done');
select is(
    (select (status, compressed_url, width, height, bytes)::text from pms.image_jobs where id = (select id from j0)),
    '(done,http://s3.test/pms-images/aa.jpg,800,600,12345)', 'the result is stored');
select is(pg_temp.product() -> 'compressed_product_images', '["http://s3.test/pms-images/aa.jpg", null]',
          'compressed_product_images shows the done image in its position');
select is(pg_temp.product() ->> 'image_status', 'processing', 'one done, one pending: processing');
select is(
    api.complete_image_job((select id from j0), 'http://s3.test/pms-images/bb.jpg', 1, 1, 1) ->> 'status',
    'done', 'complete again (redelivery): done');
select is((select compressed_url from pms.image_jobs where id = (select id from j0)), 'http://s3.test/pms-images/aa.jpg',
          'the first result is kept');
select is(api.start_image_job((select id from j0)) - 'job_id' - 'product_id' - 'position' - 'source_url',
          '{"action": "skip", "reason": "done"}', 'start of a done job: skip, done');
select is(api.fail_image_job((select id from j0), 'late failure') ->> 'status', 'done', 'fail of a done job: reports done');
select is((select status::text from pms.image_jobs where id = (select id from j0)), 'done', 'a done job is never failed later');

-- Superseding: the PUT changes image 1 of 2.
do $$ begin perform api.update_product(null, true, (select product_id from t), 'Two images', '', 1,
                                       array['http://img.test/0.jpg', 'http://img.test/1-new.jpg'], 'req-put'); end $$;
select is((select status::text from pms.image_jobs where id = (select id from j1)), 'superseded', 'PUT: the changed image''s job is superseded');
select isnt(pg_temp.job(1), (select id from j1), 'PUT: a new job for the changed position');
select is((select status::text || ' ' || source_url from pms.image_jobs where id = pg_temp.job(1)), 'pending http://img.test/1-new.jpg',
          'PUT: the new job is pending with the new URL');
select is(pg_temp.job(0), (select id from j0), 'PUT: the unchanged image keeps its job');
select is((select (status, compressed_url, updated_at)::text from pms.image_jobs where id = (select id from j0)),
          (select ('done'::pms.image_job_status, 'http://s3.test/pms-images/aa.jpg'::text, updated_at)::text
             from pms.image_jobs where id = (select id from j0)),
          'PUT: the unchanged job is untouched');
select is(pg_temp.product() -> 'compressed_product_images', '["http://s3.test/pms-images/aa.jpg", null]',
          'PUT: the unchanged image keeps its compressed URL');

-- A late write-back of the superseded job changes nothing.
create temporary table before_late as select * from pms.image_jobs where product_id = (select product_id from t);
select is(api.complete_image_job((select id from j1), 'http://s3.test/pms-images/cc.jpg', 10, 10, 10),
          jsonb_build_object('job_id', (select id from j1), 'status', 'superseded'), 'complete of a superseded job: superseded');
select is(api.fail_image_job((select id from j1), 'boom') ->> 'status', 'superseded', 'fail of a superseded job: superseded');
select is(api.start_image_job((select id from j1)) ->> 'reason', 'superseded', 'start of a superseded job: skip, superseded');
select set_eq($$select * from pms.image_jobs where product_id = (select product_id from t)$$,
              $$select * from before_late$$, 'a superseded job''s late write-backs change nothing');

-- fail_image_job and image_status
select is(api.start_image_job(pg_temp.job(1)) ->> 'action', 'process', 'start the new job');
select is(api.fail_image_job(pg_temp.job(1), 'HTTP 404 from origin', 'req-w'),
          jsonb_build_object('job_id', pg_temp.job(1), 'status', 'failed'), 'fail: failed');
select is((select status::text || ': ' || error from pms.image_jobs where id = pg_temp.job(1)), 'failed: HTTP 404 from origin', 'the error is stored');
select is(pg_temp.product() ->> 'image_status', 'partial', 'one done, one failed: partial');
select is(pg_temp.product() -> 'images' -> 1 ->> 'error', 'HTTP 404 from origin', 'the error shows in images[]');
select is(api.start_image_job(pg_temp.job(1)) ->> 'action', 'process', 'a failed job that is redelivered is processed again');
select is((select error from pms.image_jobs where id = pg_temp.job(1)), null, 'starting again clears the old error');
select is(api.complete_image_job(pg_temp.job(1), 'http://s3.test/pms-images/dd.jpg', 5, 5, 5) ->> 'status', 'done', 'and may then be done');
select is(pg_temp.product() ->> 'image_status', 'done', 'all done: done');

-- Removing an image supersedes its job; unchanged list: no job change.
do $$ begin perform api.update_product(null, true, (select product_id from t), 'Two images', '', 1, array['http://img.test/0.jpg']); end $$;
select is((select count(*)::integer from pms.image_jobs where product_id = (select product_id from t) and status <> 'superseded'), 1,
          'a removed image''s job is superseded');
select is(pg_temp.product() -> 'compressed_product_images', '["http://s3.test/pms-images/aa.jpg"]', 'the product shows one image');
create temporary table jobs_before as select * from pms.image_jobs where product_id = (select product_id from t);
do $$ begin perform api.update_product(null, true, (select product_id from t), 'Renamed', 'new text', 2, array['http://img.test/0.jpg']); end $$;
select set_eq($$select * from pms.image_jobs where product_id = (select product_id from t)$$, $$select * from jobs_before$$,
              'a PUT with the same images leaves the jobs alone');

-- All failed: failed.
create temporary table f as
select (api.create_product(null, true, (select user_id from t), 'One image', '', 1, array['http://img.test/x.jpg']) ->> 'id')::bigint as id;
do $$ begin perform api.fail_image_job((select id from pms.image_jobs where product_id = (select id from f)), 'not an image'); end $$;
select is(api.get_product((select id from f)) ->> 'image_status', 'failed', 'all failed: failed');

-- Missing jobs
select is(api.start_image_job(-1),
          '{"action": "skip", "reason": "missing", "job_id": -1, "product_id": null, "position": null, "source_url": null}',
          'start of a missing job: skip, missing');
select is(api.complete_image_job(-1, 'http://s3.test/x.jpg', 1, 1, 1), '{"job_id": -1, "status": "missing"}', 'complete of a missing job: missing');
select is(api.fail_image_job(-1, 'x'), '{"job_id": -1, "status": "missing"}', 'fail of a missing job: missing');
create temporary table fj as select id from pms.image_jobs where product_id = (select id from f);
do $$ begin perform api.delete_product(null, true, (select id from f)); end $$;
select is(api.start_image_job((select id from fj)) ->> 'reason', 'missing',
          'the job of a deleted product: missing');

-- Rule violations in write-backs: the constraint's message, nothing stored.
create temporary table v as
select (api.create_product(null, true, (select user_id from t), 'Checked', '', 1, array['http://img.test/v.jpg']) ->> 'id')::bigint as product_id;
create temporary view vjob as select id from pms.image_jobs where product_id = (select product_id from v);
select throws_ok($$select api.complete_image_job((select id from vjob), 'ftp://s3.test/x.jpg', 1, 1, 1)$$,
                 '23514', 'compressed_url must be an http or https URL of at most 2048 characters', 'complete: non-http URL 23514');
select throws_ok($$select api.complete_image_job((select id from vjob), 'http://s3.test/x.jpg', 0, 1, 1)$$,
                 '23514', 'width must be 1 or more', 'complete: width 0 23514');
select throws_ok($$select api.complete_image_job((select id from vjob), null, 1, 1, 1)$$,
                 '23514', 'a done image job needs compressed_url, width, height and bytes', 'complete: no URL 23514');
select throws_ok($$select api.fail_image_job((select id from vjob), null)$$,
                 '23514', 'a failed image job needs an error', 'fail: no error 23514');
select is((select status::text from pms.image_jobs where id = (select id from vjob)), 'pending', 'refused write-backs change nothing');

select * from finish();
rollback;
