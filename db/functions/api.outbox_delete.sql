-- api.outbox_delete: pms-bridge removes outbox events the broker confirmed.

-- Returns the number of rows deleted (ids already gone are ignored; NULL deletes nothing).
create or replace function api.outbox_delete(p_ids bigint[])
returns integer
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_count integer;
begin
    delete from pms.outbox as o where o.id = any (p_ids);
    get diagnostics v_count = row_count;
    return v_count;
end;
$$;

revoke execute on function api.outbox_delete(bigint[]) from public;
grant execute on function api.outbox_delete(bigint[]) to pms_bridge;
