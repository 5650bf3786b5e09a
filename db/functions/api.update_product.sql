-- api.update_product: replaces the editable fields of a product (PUT /api/v1/products/{id}).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md); only the product's owner or an
-- admin may update it. Returns the product's document. The UPDATE is pms.update_products' statement
-- for one call, written out with the arguments as they are, as api.create_product does and for the
-- same reason (callgrind: 845k instructions a call through it, 725k without); that function says what
-- NULLs become and how images are kept, superseded and queued (by triggers, for every writer). A call
-- that updates nothing goes through pms.update_products after all, which says why (a missing
-- product, another user's). This function turns a broken rule into its recorded message.
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
    v_doc        json;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    perform pg_catalog.set_config('pms.request_id', coalesce(p_request_id, ''), true);
    update pms.products as p
       set name = p_name,
           description = coalesce(p_description, ''),
           price = pms.price_in(p_price),
           images = coalesce(p_images, '{}')
     where p.id = p_id
       and pms.may_act_for(p_actor_id, p_actor_is_admin, p.user_id)
    returning p.doc into v_doc;
    if not found then
        v_doc := (select u.doc
                    from pms.update_products(pms.one_call(p_actor_id, p_actor_is_admin, p_id, p_name, p_description,
                                                p_price, p_images, p_request_id)) as u);
    end if;
    return v_doc;
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
