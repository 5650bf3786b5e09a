-- pms.one_call: a single call's arguments as a batch of one, in the text form that pms.insert_products
-- and pms.update_products take (api.create_products shows it).

-- p_product: p_user_id for a create, p_id for an update (the third argument of either single function).
-- api.create_product and api.update_product make their call this way only when their own statement
-- wrote nothing, so that the batch function says why.
create or replace function pms.one_call(
    p_actor_id bigint,
    p_actor_is_admin boolean,
    p_product bigint,
    p_name text,
    p_description text,
    p_price numeric,
    p_images text[],
    p_request_id text
)
returns jsonb
language sql
immutable
parallel safe
as $$
    select jsonb_build_array(jsonb_build_array(p_actor_id::text, p_actor_is_admin::text, p_product::text, p_name,
                                               p_description, p_price::text, p_images::text, p_request_id));
$$;

revoke execute on function pms.one_call(bigint, boolean, bigint, text, text, numeric, text[], text) from public;
