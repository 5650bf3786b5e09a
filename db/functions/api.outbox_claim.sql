-- api.outbox_claim: pms-bridge takes a batch of outbox events of one topic.

-- Returns up to p_limit rows (id, payload) of p_topic in id order, locked FOR UPDATE SKIP LOCKED in the
-- caller's transaction: several bridges can drain at once without taking the same rows. The caller
-- publishes them, then deletes them (api.outbox_delete) and commits; if it dies first, the locks go
-- and another bridge takes the rows (at-least-once).
-- Errors: 22023 when p_limit is not between 1 and 10000.
create or replace function api.outbox_claim(
    p_topic text,
    p_limit integer
)
returns table (id bigint, payload jsonb)
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
begin
    if p_limit is null or p_limit not between 1 and 10000 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'limit must be between 1 and 10000',
            detail = '{"field": "limit"}';
    end if;

    -- Columns are qualified: "id" and "payload" are also the names of this function's output columns.
    return query
        select o.id, o.payload
          from pms.outbox as o
         where o.topic = p_topic
         order by o.id
         limit p_limit
           for update skip locked;
end;
$$;

revoke execute on function api.outbox_claim(text, integer) from public;
grant execute on function api.outbox_claim(text, integer) to pms_worker;
