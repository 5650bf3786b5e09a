-- 0003_pipeline_views: views for DBAs to watch the image pipeline and the outbox.

-- Views, not functions: a DBA reads them with plain SELECTs and they need no grants to the service
-- roles. Ages are measured from now(), so a stuck job or a growing backlog shows at a glance.

-- Image jobs by status: how many, and how long the oldest has waited in that status.
create view pms.image_jobs_by_status as
select j.status,
       count(*) as jobs,
       min(j.updated_at) as oldest_change,
       now() - min(j.updated_at) as oldest_age,
       max(j.updated_at) as newest_change,
       sum(j.attempts) as attempts
  from pms.image_jobs as j
 group by j.status;
comment on view pms.image_jobs_by_status is
    'Image jobs per status with the age of the longest-waiting one (updated_at: the last status change).';

-- Jobs that should have finished: pending or processing for more than five minutes.
create view pms.stuck_image_jobs as
select j.id as job_id,
       j.product_id,
       j.position,
       j.status,
       j.attempts,
       j.source_url,
       now() - j.updated_at as age,
       j.created_at,
       j.updated_at
  from pms.image_jobs as j
 where j.status in ('pending', 'processing')
   and j.updated_at < now() - interval '5 minutes'
 order by j.updated_at;
comment on view pms.stuck_image_jobs is
    'Pending or processing image jobs unchanged for more than 5 minutes, oldest first: check the bridge, '
    'RabbitMQ and the workers.';

-- The outbox backlog per topic: rows waiting for pms-bridge and the age of the oldest.
create view pms.outbox_backlog as
select o.topic,
       count(*) as events,
       min(o.id) as oldest_id,
       min(o.created_at) as oldest_created_at,
       clock_timestamp() - min(o.created_at) as oldest_age
  from pms.outbox as o
 group by o.topic;
comment on view pms.outbox_backlog is
    'Events not yet delivered by pms-bridge, per topic, with the age of the oldest. Empty when the bridge '
    'keeps up.';
