-- pms.outbox_bridge_hold_lock: the calling bridge session takes its own lock, once per session.

-- Session level: it outlives the transaction and goes with the session, which is what makes a row of
-- pms.outbox_bridges count only while its bridge lives (pms.outbox_bridge_ended). A session-level GUC
-- remembers that it was taken (an aborted transaction forgets it; taking it again only counts it twice).
create or replace function pms.outbox_bridge_hold_lock()
returns void
language plpgsql
volatile
set search_path = pms, pg_temp
as $$
begin
    if current_setting('pms.outbox_bridge_lock_held', true) is distinct from 'on' then
        perform pg_advisory_lock(pms.outbox_bridge_lock_class(), pg_backend_pid());
        perform set_config('pms.outbox_bridge_lock_held', 'on', false);
    end if;
end;
$$;

revoke execute on function pms.outbox_bridge_hold_lock() from public;
