-- api.create_product: creates a product and queues its images (POST /api/v1/products).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md). The product is for p_user_id, or
-- for the actor when it is NULL; only an admin may create for another user.
-- Returns the product's document; pms.insert_products does the work (and says what NULLs become).
-- This function turns a broken rule into its recorded message.
-- Errors: 42501 insufficient_privilege for another user's product (DETAIL {"field": "user_id"});
-- with the message recorded for the rule and DETAIL {"field": ...}: 23502 a required value missing,
-- 23503 unknown user, 23514 a rule of pms.products broken, 22003 price too large,
-- 22023 price with more than 2 decimals.
create or replace function api.create_product(
    p_actor_id bigint,
    p_actor_is_admin boolean,
    p_user_id bigint,
    p_name text,
    p_description text,
    p_price numeric,
    p_images text[],
    p_request_id text default null
)
returns json
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    return (select i.doc
              from pms.insert_products(jsonb_build_array(jsonb_build_array(
                       p_actor_id::text, p_actor_is_admin::text, p_user_id::text, p_name, p_description, p_price::text, p_images::text, p_request_id))) as i);
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.create_product(bigint, boolean, bigint, text, text, numeric, text[], text) from public;
grant execute on function api.create_product(bigint, boolean, bigint, text, text, numeric, text[], text) to pms_api;
