-- api.update_product: replaces the editable fields of a product (PUT /api/v1/products/{id}).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md); only the product's owner or an
-- admin may update it. Returns the product's document; pms.update_products does the work and says
-- how images are kept, superseded and queued. This function turns a broken rule into its recorded
-- message.
-- Errors: P0002 no_data_found when the product does not exist; 42501 insufficient_privilege when
-- it belongs to another user; otherwise as api.create_product.
create or replace function api.update_product(
    p_actor_id bigint,
    p_actor_is_admin boolean,
    p_id bigint,
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
    return (select u.doc
              from pms.update_products(jsonb_build_array(jsonb_build_array(
                       p_actor_id::text, p_actor_is_admin::text, p_id::text, p_name, p_description, p_price::text, p_images::text, p_request_id))) as u);
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.update_product(bigint, boolean, bigint, text, text, numeric, text[], text) from public;
grant execute on function api.update_product(bigint, boolean, bigint, text, text, numeric, text[], text) to pms_api;
