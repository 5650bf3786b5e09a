-- api.create_product: creates a product and queues its images (POST /api/v1/products).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md). The product is for p_user_id, or
-- for the actor when it is NULL; only an admin may create for another user.
-- Returns the product's document. A NULL description is stored as '' and NULL images as no images,
-- as pms.insert_products stores them: its statement for one call, written out with the arguments as
-- they are, because building and reading back its jsonb was a fifth of a single call's work
-- (callgrind: 885k instructions a call through it, 700k without). 14-batched-writes checks that
-- both store the same row. A refused call goes through pms.insert_products after all, which says
-- why. This function turns a broken rule into its recorded message.
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
    v_doc        json;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    perform pg_catalog.set_config('pms.request_id', coalesce(p_request_id, ''), true);
    insert into pms.products (user_id, name, description, price, images)
    select coalesce(p_user_id, p_actor_id), p_name, coalesce(p_description, ''), pms.price_in(p_price),
           coalesce(p_images, '{}')
     where pms.may_act_for(p_actor_id, p_actor_is_admin, coalesce(p_user_id, p_actor_id))
    returning doc into v_doc;
    if not found then
        v_doc := (select i.doc
                    from pms.insert_products(pms.one_call(p_actor_id, p_actor_is_admin, p_user_id, p_name, p_description,
                                                p_price, p_images, p_request_id)) as i);
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

revoke execute on function api.create_product(bigint, boolean, bigint, text, text, numeric, text[], text) from public;
grant execute on function api.create_product(bigint, boolean, bigint, text, text, numeric, text[], text) to pms_api;
