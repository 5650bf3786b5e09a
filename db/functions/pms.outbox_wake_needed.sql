-- pms.outbox_wake_needed: whether the committing transaction must NOTIFY pms_outbox.

-- The writer's half of the handshake in db/triggers/outbox_notify.sql: take the wake lock SHARED (held to
-- the end of the commit), then see whether a live bridge waits, and if one does, try to take the notify
-- turn (an advisory lock, EXCLUSIVE, held to the end of the commit): only its holder notifies.
-- A writer never waits for either lock: if a bridge holds the wake lock or queues for it EXCLUSIVE (it is
-- marking itself idle right now), the writer just notifies, turn or not. Volatile on purpose: the read of
-- pms.outbox_bridges takes its own snapshot, after the lock was granted. Under REPEATABLE READ or
-- SERIALIZABLE the snapshot may predate a bridge's idle mark: then always.
-- Neither SECURITY DEFINER nor a SET clause: its one caller, the trigger pms.outbox_notify, is both, and
-- runs on every commit that writes the outbox; every name here is schema-qualified.
create or replace function pms.outbox_wake_needed()
returns boolean
language plpgsql
volatile
as $$
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        return true;
    end if;
    if not pg_try_advisory_xact_lock_shared(pms.outbox_wake_lock_key()) then
        return true;
    end if;
    -- CASE: the liveness test only for idle rows, whatever order the planner would choose.
    if not exists (select
                     from pms.outbox_bridges as b
                    where case when b.idle then not pms.outbox_bridge_ended(b.backend_pid) else false end) then
        return false;
    end if;
    -- A writer that finds the turn taken holds the wake lock: the bridge that the turn's holder wakes
    -- cannot mark itself idle again before this commit is visible, so its claim after the mark sees it.
    -- The turn's key: "pms" + 4 (pms.outbox_wake_lock_key is "pms" + 2); no other code takes it.
    return pg_try_advisory_xact_lock(7368055);
end;
$$;

revoke execute on function pms.outbox_wake_needed() from public;
