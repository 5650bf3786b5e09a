-- pms.price_in: a client's price as the column type stores it, refusing what the type would change.

-- numeric(12,2) rounds extra decimals silently and fails with a bare "numeric field overflow" on
-- 10 or more integer digits. Assigning to a variable of the column's own type (%type keeps the typmod)
-- applies exactly the column's rule, so the rule stays written once, in the table; this function only
-- turns its two outcomes into client messages. NULL passes through: NOT NULL on the column reports it.
-- The column's type is the domain pms.product_price (migration 0015), so a negative price is refused
-- here, by the domain's rule, with its own message (pms.raise_rule_violation).
-- No SET clause: it runs once per product written, a SET costs a settings save and restore on each
-- call, and its one name is schema-qualified. Not SECURITY DEFINER: only the api functions call it.
create or replace function pms.price_in(p_price numeric)
returns numeric
language plpgsql
stable
parallel safe
as $$
declare
    v_price pms.products.price%type;
begin
    begin
        v_price := p_price;
    exception
        when numeric_value_out_of_range then
            raise exception using
                errcode = 'numeric_value_out_of_range',
                message = 'product_price must have at most 10 digits before the decimal point',
                detail = '{"field": "product_price"}';
    end;
    if v_price <> p_price then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'product_price must have at most 2 decimal places',
            detail = '{"field": "product_price"}';
    end if;
    return v_price;
end;
$$;

revoke execute on function pms.price_in(numeric) from public;
