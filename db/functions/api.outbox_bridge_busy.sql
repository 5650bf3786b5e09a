-- api.outbox_bridge_busy: the calling pms-bridge is draining again; writers need not wake it.

-- Called in the transaction of the first batch after a wake-up: if that batch rolls back, the bridge
-- stays marked idle, which costs writers a NOTIFY each but loses nothing.
create or replace function api.outbox_bridge_busy()
returns void
language sql
volatile
security definer
set search_path = pms, pg_temp
as $$
    update pms.outbox_bridges as b
       set idle = false, idle_since = null
     where b.backend_pid = pg_backend_pid() and b.idle;
$$;

revoke execute on function api.outbox_bridge_busy() from public;
grant execute on function api.outbox_bridge_busy() to pms_bridge;
