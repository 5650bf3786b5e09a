-- pms.outbox_wake_lock_key: the advisory lock of the wake-up handshake (db/triggers/outbox_notify.sql).

-- Writers hold it SHARED from their check to the end of their commit; api.outbox_bridge_idle takes it
-- EXCLUSIVE. "pms" + 2 (db/migrate locks "pms" itself, 7368051).
create or replace function pms.outbox_wake_lock_key()
returns bigint
language sql
immutable
parallel safe
as $$
    select 7368053::bigint;
$$;

revoke execute on function pms.outbox_wake_lock_key() from public;
