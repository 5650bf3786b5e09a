-- api.outbox_bridge_idle: the calling pms-bridge is about to wait for a NOTIFY.

-- Marks the caller's session idle, so that writers notify from now on, provided that no commit that
-- checked before this mark is in flight (the wake lock, EXCLUSIVE, until the caller commits). The
-- caller commits, claims from the outbox once more and waits only if that found nothing: see
-- db/triggers/outbox_notify.sql for why no wake-up is lost. From the first call on, the session holds
-- its own lock (pms.outbox_bridge_hold_lock), by which writers tell a live bridge from a killed one.
-- Removes the rows of bridge sessions that ended.
-- Errors: 55P03 (lock_not_available) when a writer holds the wake lock (it is committing, or ran the
-- trigger early with SET CONSTRAINTS ... IMMEDIATE); the bridge then stays busy, drains and tries
-- again soon. It does not queue for the lock: while an EXCLUSIVE request waits, every writer's SHARED
-- try fails and that writer notifies (pms.outbox_wake_needed); notifying commits run one at a time,
-- which slowed the commits the bridge waited for, and 64 writers ended up queued on NOTIFY's lock.
-- lock_timeout bounds the other waits (another bridge's row in pms.outbox_bridges).
create or replace function api.outbox_bridge_idle()
returns void
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
set lock_timeout = '100ms'
as $$
begin
    perform pms.outbox_bridge_hold_lock();
    delete from pms.outbox_bridges as b
     where b.backend_pid <> pg_backend_pid() and pms.outbox_bridge_ended(b.backend_pid);

    insert into pms.outbox_bridges as b (backend_pid, application_name, idle, idle_since)
    values (pg_backend_pid(), current_setting('application_name'), true, now())
    on conflict (backend_pid) do update
       set idle = true, idle_since = now(), application_name = excluded.application_name;

    if not pg_try_advisory_xact_lock(pms.outbox_wake_lock_key()) then
        raise exception using
            errcode = 'lock_not_available',
            message = 'writers are committing: the bridge stays busy';
    end if;
end;
$$;

revoke execute on function api.outbox_bridge_idle() from public;
grant execute on function api.outbox_bridge_idle() to pms_bridge;
