-- pms.outbox_bridge_lock_class: the first key of the advisory lock each bridge session holds while it lives.

-- The second key is the session's backend pid: (pms.outbox_bridge_lock_class(), pg_backend_pid()),
-- taken at session level by api.outbox_bridge_idle and api.outbox_bridge_stats, released by PostgreSQL
-- when the session ends. It tells a live bridge's row in pms.outbox_bridges from a killed one's.
create or replace function pms.outbox_bridge_lock_class()
returns integer
language sql
immutable
parallel safe
as $$
    select 7368054;
$$;

revoke execute on function pms.outbox_bridge_lock_class() from public;
