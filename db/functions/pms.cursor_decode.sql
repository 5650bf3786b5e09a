-- pms.cursor_decode: the last id of the previous page, from a cursor pms.cursor_encode made.

-- Anything else is the client's mistake: invalid_parameter_value (22023), never a server error.
-- No SET clause: it runs on every page after the first, and its one caller, api.list_products, sets
-- search_path.
create or replace function pms.cursor_decode(p_cursor text)
returns bigint
language plpgsql
stable
strict
parallel safe
as $$
declare
    v_text text;
begin
    begin
        v_text := convert_from(
            decode(translate(p_cursor, '-_', '+/') || repeat('=', (4 - length(p_cursor) % 4) % 4), 'base64'),
            'UTF8');
    exception
        -- Not base64, or not UTF-8 once decoded: the same client error as a wrong payload below.
        when others then
            v_text := null;
    end;
    -- At most 18 digits, so the cast cannot overflow bigint.
    if v_text ~ '^v1:[1-9][0-9]{0,17}$' then
        return substr(v_text, 4)::bigint;
    end if;
    raise exception using
        errcode = 'invalid_parameter_value',
        message = 'cursor is invalid: pass the next_cursor of the previous page unchanged',
        detail = '{"field": "cursor"}';
end;
$$;

revoke execute on function pms.cursor_decode(text) from public;
