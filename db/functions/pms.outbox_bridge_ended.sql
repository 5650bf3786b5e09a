-- pms.outbox_bridge_ended: whether the bridge session of a pms.outbox_bridges row has ended.

-- A live bridge holds its lock (pms.outbox_bridge_lock_class(), pid) exclusively, so a shared try fails;
-- once its session is gone the try succeeds. What the try takes is released at the end of the caller's
-- transaction. Not pg_stat_activity: a transaction that read it once keeps that copy to its end.
-- PL/pgSQL, so that it may be created before the helper it calls (files are applied in name order).
-- No SET clause: it runs in the commit of every writer while a bridge waits, and its one name is
-- schema-qualified.
create or replace function pms.outbox_bridge_ended(p_backend_pid integer)
returns boolean
language plpgsql
volatile
as $$
begin
    return pg_try_advisory_xact_lock_shared(pms.outbox_bridge_lock_class(), p_backend_pid);
end;
$$;

revoke execute on function pms.outbox_bridge_ended(integer) from public;
