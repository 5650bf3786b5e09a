-- api.outbox_backlog: what waits in the outbox and what the bridges do, for operators and the bridge.

-- Returns
--   {"topics": [{"topic": "image.process", "rows": 12, "oldest_created_at": "...", "oldest_age_s": 0.25},
--               {"topic": "cache.invalidate", "rows": 0, "oldest_created_at": null, "oldest_age_s": null}],
--    "bridges": [{"backend_pid": 123, "application_name": "pms-bridge", "registered_at": "...",
--                 "idle": true, "idle_since": "...", "published": 1000, "published_per_s": 16.7,
--                 "invalidated": 40, "stats_at": "..."}]}
-- Both topics are always listed; bridges are the live sessions (holding their lock, see
-- pms.outbox_bridge_lock_class) that reported (api.outbox_bridge_*).
-- "rows" counts every row (an index-only scan of the outbox): meant for a look every few seconds at
-- most, not for every request.
create or replace function api.outbox_backlog()
returns jsonb
language sql
stable
security definer
set search_path = pms, pg_temp
as $$
    select jsonb_build_object(
        'topics', (select jsonb_agg(jsonb_build_object(
                              'topic', t.topic,
                              'rows', (select count(*) from pms.outbox as o where o.topic = t.topic),
                              'oldest_created_at', pms.iso_time(f.created_at),
                              'oldest_age_s', round(extract(epoch from clock_timestamp() - f.created_at)::numeric, 3))
                          order by t.n)
                     from unnest(array['image.process', 'cache.invalidate']) with ordinality as t (topic, n)
                     left join lateral (select o.created_at
                                          from pms.outbox as o
                                         where o.topic = t.topic
                                         order by o.id
                                         limit 1) as f on true),
        'bridges', (select coalesce(jsonb_agg(jsonb_build_object(
                               'backend_pid', b.backend_pid,
                               'application_name', b.application_name,
                               'registered_at', pms.iso_time(b.registered_at),
                               'idle', b.idle,
                               'idle_since', pms.iso_time(b.idle_since),
                               'published', b.published,
                               'published_per_s', b.published_per_s,
                               'invalidated', b.invalidated,
                               'stats_at', pms.iso_time(b.stats_at))
                           order by b.backend_pid), '[]')
                      from pms.outbox_bridges as b
                     where exists (select
                                     from pg_locks as l
                                    where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                                      and l.classid = pms.outbox_bridge_lock_class()
                                      and l.objid = b.backend_pid)));
$$;

revoke execute on function api.outbox_backlog() from public;
grant execute on function api.outbox_backlog() to pms_bridge;
