-- outbox_notify: wakes a waiting pms-bridge when outbox rows commit, and only then.
--
-- Why not always: a transaction that NOTIFYs takes a cluster-wide lock at commit and holds it through
-- the commit's WAL flush, so notifying commits run one at a time (docs/facts.md: +67% insert
-- throughput without it). A bridge that is busy draining does not need the wake-up: it looks at the
-- outbox again before it waits. So the writer notifies only when some bridge says it is waiting
-- (pms.outbox_bridges.idle), once per transaction, at commit; and of the writers committing while it
-- waits, only one at a time: the holder of the notify turn. Without the turn, a bridge that drained
-- faster than writers committed was idle at nearly every commit, every writer notified, and 64
-- clients of api.update_product queued on that lock (pg_locks: 63 waiting; 0.5 to 1.1k commits/s).
-- With the turn, and a bridge that does not queue for the wake lock (below), 1.7 to 1.8k: as many as
-- with no bridge at all.
--
-- Why no wake-up is lost (the handshake with api.outbox_bridge_idle):
--   writer, at commit:  take the wake lock SHARED (held until its commit is visible); read idle; if a
--                       bridge is idle, try to take the notify turn (EXCLUSIVE, held as long) and
--                       notify if it got it (pms.outbox_wake_needed). If the wake lock is not free at
--                       once (a bridge is marking itself idle), notify without waiting, turn or not.
--   bridge, to wait:    mark itself idle and take the wake lock EXCLUSIVE in one transaction, commit;
--                       then claim from the outbox once more; wait only if that found nothing. If a
--                       writer holds the wake lock, stay busy and try again soon (no queueing: a
--                       queued EXCLUSIVE request would fail every writer's SHARED try).
-- A writer that read "not idle" holds the shared lock until its rows are visible, so the bridge
-- cannot mark itself idle before then, and its claim after the mark sees the rows. A writer that
-- takes the shared lock after the bridge's mark reads with a newer snapshot (READ COMMITTED takes one
-- per statement) and sees idle, so it notifies; or, when another writer holds the notify turn, it
-- leaves the wake-up to that one: the bridge that the turn's holder wakes cannot mark itself idle
-- again while this writer holds the shared lock, so it sees this writer's rows too. Under REPEATABLE
-- READ or SERIALIZABLE the snapshot may be older than the bridge's mark, so such writers always
-- notify. Writers never wait: on each other (shared locks do not conflict, the turn is only tried),
-- nor on a bridge (they only try). The poll timer of the bridge stays as the last safety net: it is
-- what publishes the rows of writers that left the wake-up to a turn's holder whose commit then
-- failed after its check (a later deferred constraint, the NOTIFY queue full).
--
-- An idle row counts only while its session lives: a bridge holds a session-level advisory lock of its
-- own (pms.outbox_bridge_hold_lock) from its first api.outbox_bridge_idle on, so a writer's SHARED try
-- on that lock fails while the bridge lives and succeeds once it is gone (pms.outbox_bridge_ended). A
-- bridge that was killed or stopped while idle thus costs no NOTIFY, even before a live bridge removes
-- its row.
--
-- The payload is empty: NOTIFY is lost while nobody listens, so the bridge always re-reads the outbox
-- (on start-up, on each wake-up, after each reconnect and on a timer) and the wake-up carries no data.

create or replace function pms.outbox_notify()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    -- A row trigger (constraint triggers are), but the first row of the transaction decides for all:
    -- its shared lock is held to the end, and one notification covers every row.
    if current_setting('pms.outbox_wake_checked', true) = 'on' then
        return null;
    end if;
    perform set_config('pms.outbox_wake_checked', 'on', true);
    if pms.outbox_wake_needed() then
        perform pg_notify('pms_outbox', '');
    end if;
    return null;
end;
$$;

revoke execute on function pms.outbox_notify() from public;

-- DEFERRABLE INITIALLY DEFERRED: it runs at COMMIT, after the transaction's last statement, so the
-- shared lock is held for the commit only (a long transaction does not keep a bridge from waiting).
-- CREATE OR REPLACE cannot replace a constraint trigger: create it once; a change of its definition is a
-- migration that drops it (as 0004_outbox_bridges did with the statement trigger it replaced).
do $$
begin
    if not exists (select
                     from pg_trigger
                    where tgrelid = 'pms.outbox'::regclass and tgname = 'outbox_notify' and not tgisinternal) then
        create constraint trigger outbox_notify
            after insert on pms.outbox
            deferrable initially deferred
            for each row
            execute function pms.outbox_notify();
    end if;
end
$$;
