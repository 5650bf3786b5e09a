-- api.create_user: creates a user (POST /api/v1/users).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md); only an admin may create users.
-- Returns {"id", "name", "created_at"}. Errors: 42501 insufficient_privilege for an actor who is not
-- an admin; 23502 name missing, 23514 name not 1 to 200 characters, each with the message recorded
-- for the rule and DETAIL {"field": "name"}.
create or replace function api.create_user(
    p_actor_id bigint,
    p_actor_is_admin boolean,
    p_name text,
    p_request_id text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_user       pms.users;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    -- Admins only: pms.may_act_for with no user to act for.
    if not pms.may_act_for(p_actor_id, p_actor_is_admin, null) then
        raise exception using
            errcode = 'insufficient_privilege',
            message = 'only an admin may create users';
    end if;

    -- Transaction-local, read by the triggers that write outbox rows.
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    insert into pms.users (name) values (p_name) returning * into v_user;

    return jsonb_build_object('id', v_user.id,
                              'name', v_user.name,
                              'created_at', pms.iso_time(v_user.created_at));
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.create_user(bigint, boolean, text, text) from public;
grant execute on function api.create_user(bigint, boolean, text, text) to pms_api;
