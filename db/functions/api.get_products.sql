-- api.get_products: several products at once, for pms-api's batches of GET /api/v1/products/{id}.

-- Returns the id, version and document (pms.products.doc) of each of p_ids that exists, in no
-- particular order (the id and version beside the document, so that pms-api need not parse it);
-- ids that name no product are simply absent (pms-api asks api.get_product for those, which raises
-- the not-found error). One call for a batch's reads instead of one each: under load the call
-- itself, not the lookup, was most of a GET's cost.
-- Errors: 22023 invalid_parameter_value for more than 1000 ids.
create or replace function api.get_products(p_ids bigint[])
returns table (product_id bigint, version bigint, doc json)
language plpgsql
stable
security definer
set search_path = pms, pg_temp
as $$
begin
    if cardinality(p_ids) > 1000 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'at most 1000 products can be read at once';
    end if;
    -- doc is NULL only for a row unchanged since migration 0006.
    return query
        select p.id, p.version::bigint, coalesce(p.doc, pms.product_json(p))
          from pms.products as p
         where p.id = any (p_ids);
end;
$$;

revoke execute on function api.get_products(bigint[]) from public;
grant execute on function api.get_products(bigint[]) to pms_api;
