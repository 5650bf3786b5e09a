-- outbox_notify: wakes pms-bridge up when outbox rows were written.

-- One pg_notify per INSERT statement that wrote rows, never one per row: a notifying commit takes a
-- cluster-wide lock until it is flushed, and identical notifications of one transaction are merged
-- anyway. The payload is empty: NOTIFY is lost while nobody listens, so the bridge always re-reads
-- the outbox (on start-up, on each wake-up and on a timer) and the wake-up carries no data.
create or replace function pms.outbox_notify()
returns trigger
language plpgsql
security definer
set search_path = pms, pg_temp
as $$
begin
    if exists (select from new_rows) then
        perform pg_notify('pms_outbox', '');
    end if;
    return null;
end;
$$;

revoke execute on function pms.outbox_notify() from public;

create or replace trigger outbox_notify
    after insert on pms.outbox
    referencing new table as new_rows
    for each statement
    execute function pms.outbox_notify();
