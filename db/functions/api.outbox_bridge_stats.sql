-- api.outbox_bridge_stats: the calling pms-bridge reports its counters, for api.outbox_backlog.

-- p_published / p_invalidated: events delivered since the bridge started; p_published_per_s: its
-- image.process rate over the last reporting interval. The session takes its own lock as in
-- api.outbox_bridge_idle, so that its row counts as live. Errors: 23514 a negative counter.
create or replace function api.outbox_bridge_stats(
    p_published bigint,
    p_published_per_s double precision,
    p_invalidated bigint
)
returns void
language sql
volatile
security definer
set search_path = pms, pg_temp
as $$
    select pms.outbox_bridge_hold_lock();
    insert into pms.outbox_bridges as b
           (backend_pid, application_name, published, published_per_s, invalidated, stats_at)
    values (pg_backend_pid(), current_setting('application_name'), p_published, p_published_per_s,
            p_invalidated, now())
    on conflict (backend_pid) do update
       set published = excluded.published,
           published_per_s = excluded.published_per_s,
           invalidated = excluded.invalidated,
           stats_at = excluded.stats_at;
$$;

revoke execute on function api.outbox_bridge_stats(bigint, double precision, bigint) from public;
grant execute on function api.outbox_bridge_stats(bigint, double precision, bigint) to pms_bridge;
