-- 20-worker-attempts: api.start_image_job counts every start, so a worker can give up on a job whose
-- deliveries keep dying with it (redelivered with the same attempt number in the message).
begin;
create extension if not exists pgtap;
select plan(6);

create temporary table t (product_id bigint, job_id bigint);
insert into t (product_id)
select (api.create_product(null, true, (api.create_user(null, true, 'attempts tester') ->> 'id')::bigint, 'Crashing image', '', 1,
                           array['http://img.test/crash.jpg']) ->> 'id')::bigint;
update t set job_id = (select id from pms.image_jobs where product_id = t.product_id);

select is((api.start_image_job((select job_id from t)) ->> 'attempts')::integer, 1, 'the first start is attempt 1');
-- The worker died mid-job: the job stays processing and its message comes back.
select is((api.start_image_job((select job_id from t)) ->> 'attempts')::integer, 2, 'a redelivery counts as attempt 2');
select is((api.start_image_job((select job_id from t)) ->> 'attempts')::integer, 3, 'and the next as attempt 3');
do $$ begin perform api.fail_image_job((select job_id from t), 'gave up after 3 attempts'); end $$;
select is((api.start_image_job((select job_id from t)) ->> 'attempts')::integer, 4,
          'a failed job that is delivered again keeps counting');

do $$ begin perform api.complete_image_job((select job_id from t), 'http://s3.test/pms-images/c.jpg', 1, 1, 1); end $$;
select ok(not (api.start_image_job((select job_id from t)) ? 'attempts'), 'a skipped start has no attempt count');
select is((select attempts from pms.image_jobs where id = (select job_id from t)), 4, 'and does not count one');

select * from finish();
rollback;
