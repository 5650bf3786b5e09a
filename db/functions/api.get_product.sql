-- api.get_product: one product (GET /api/v1/products/{id}).

-- Returns the product (pms.product_json). Errors: P0002 no_data_found when it does not exist.
create or replace function api.get_product(p_id bigint)
returns jsonb
language plpgsql
stable
security definer
set search_path = pms, pg_temp
as $$
declare
    v_product pms.products;
begin
    select * into v_product from pms.products as p where p.id = p_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('product %s does not exist', coalesce(p_id::text, 'NULL'));
    end if;
    return pms.product_json(v_product);
end;
$$;

revoke execute on function api.get_product(bigint) from public;
grant execute on function api.get_product(bigint) to pms_api;
