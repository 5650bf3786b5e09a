-- api.delete_product: deletes a product and, by cascade, its image jobs (DELETE /api/v1/products/{id}).

-- A worker that later starts or completes one of its jobs is told "missing". The delete writes a
-- cache.invalidate outbox row (trigger pms.products_outbox).
-- Errors: P0002 no_data_found when the product does not exist.
create or replace function api.delete_product(
    p_id bigint,
    p_request_id text default null
)
returns void
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
begin
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    delete from pms.products as p where p.id = p_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('product %s does not exist', coalesce(p_id::text, 'NULL'));
    end if;
end;
$$;

revoke execute on function api.delete_product(bigint, text) from public;
grant execute on function api.delete_product(bigint, text) to pms_api;
