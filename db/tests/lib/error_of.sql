-- pg_temp.error_of(sql): the SQLSTATE, message and DETAIL (as JSON) of the error a statement raises,
-- NULL when it raises none. Included by the tests that check an error's whole shape (\ir).
create function pg_temp.error_of(p_sql text)
returns jsonb
language plpgsql
as $$
declare
    v_state   text;
    v_message text;
    v_detail  text;
begin
    execute p_sql;
    return null;
exception
    when others then
        get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail;
        return jsonb_build_object('sqlstate', v_state, 'message', v_message, 'detail', nullif(v_detail, '')::jsonb);
end;
$$;
