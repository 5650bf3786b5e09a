-- pms.cursor_encode: the opaque next_cursor of api.list_products.

-- base64url (no padding) of a small versioned text, "v1:<last id>": opaque to clients, safe in a query
-- string, and the version prefix lets a later format coexist with cursors already handed out.
-- No SET clause, so that it is inlined into api.list_products (only built-in functions are used).
create or replace function pms.cursor_encode(p_last_id bigint)
returns text
language sql
stable
strict
parallel safe
as $$
    select rtrim(translate(encode(convert_to('v1:' || p_last_id, 'UTF8'), 'base64'), '+/', '-_'), '=');
$$;

revoke execute on function pms.cursor_encode(bigint) from public;
