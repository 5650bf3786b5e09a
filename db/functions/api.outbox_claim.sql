-- api.outbox_claim: pms-bridge takes a batch of outbox events of one topic.

-- Returns up to p_limit rows (id, payload) of p_topic in id order, each locked (FOR UPDATE) in the
-- caller's transaction. The caller publishes them, then deletes them (api.outbox_delete) and commits;
-- if it dies first, the locks go and another bridge takes the rows (at-least-once).
--
-- Several bridges can claim at once, and the events of one product (payload "product_id") still go out
-- in id order: a row is claimed only if no older row of its product is held by another transaction.
-- Walking the rows this statement's snapshot sees, in id order:
--   - a row of a product already skipped is skipped too, without locking it;
--   - otherwise the row is locked, skipping it if it is locked elsewhere (SKIP LOCKED); a row that
--     could not be locked (another bridge is publishing it, or has just deleted it) makes its product
--     skipped from there on.
-- So a bridge locks only the rows it returns, and takes a product's rows only from that product's
-- oldest pending row on. Per product, id order is commit order: every writer of a product's events
-- locks the product row first (or inserts it), so a later event of a product gets a larger id and
-- commits later. Rows without a product_id keep no order among themselves.
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
declare
    -- A declared cursor is planned for a fast start (cursor_tuple_fraction): an ordered index scan
    -- that stops with the loop, never a sort of the whole backlog. It keeps its start's snapshot;
    -- the per-row locks below see the latest state.
    v_rows cursor for
        select o.id, o.payload, o.payload ->> 'product_id' as product
          from pms.outbox as o
         where o.topic = p_topic
         order by o.id;
    v_skipped text[] := '{}';  -- products with a row held elsewhere
    v_claimed integer := 0;
begin
    if p_limit is null or p_limit not between 1 and 10000 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'limit must be between 1 and 10000',
            detail = '{"field": "limit"}';
    end if;

    for v_row in v_rows loop
        continue when v_row.product = any (v_skipped);
        perform from pms.outbox as o where o.id = v_row.id for update skip locked;
        if found then
            id := v_row.id;
            payload := v_row.payload;
            return next;
            v_claimed := v_claimed + 1;
            exit when v_claimed >= p_limit;
        elsif v_row.product is not null then
            v_skipped := v_skipped || v_row.product;
        end if;
    end loop;
end;
$$;

revoke execute on function api.outbox_claim(text, integer) from public;
grant execute on function api.outbox_claim(text, integer) to pms_bridge;
