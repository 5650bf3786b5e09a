-- api.get_product: one product (GET /api/v1/products/{id}).

-- Returns the product's document (pms.products.doc, kept by the trigger pms.products_before_write).
-- Errors: P0002 no_data_found when it does not exist.
create or replace function api.get_product(p_id bigint)
returns json
language plpgsql
stable
security definer
set search_path = pms, pg_temp
as $$
declare
    v_doc json;
begin
    -- doc is NULL only for a row unchanged since migration 0006.
    select coalesce(p.doc, pms.product_json(p)) into v_doc from pms.products as p where p.id = p_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('product %s does not exist', coalesce(p_id::text, 'NULL'));
    end if;
    return v_doc;
end;
$$;

revoke execute on function api.get_product(bigint) from public;
grant execute on function api.get_product(bigint) to pms_api;
