-- api.delete_product: deletes a product and, by cascade, its image jobs (DELETE /api/v1/products/{id}).

-- p_actor_id and p_actor_is_admin: who is acting (db/README.md); only the product's owner or an
-- admin may delete it. A worker that later starts or completes one of its jobs is told "missing".
-- The delete writes a cache.invalidate outbox row (trigger pms.products_outbox). Returns the id of
-- the product's owner: the seller whose pages of products changed, which pms-api deletes from the
-- cache right after its COMMIT.
-- Errors: P0002 no_data_found when the product does not exist; 42501 insufficient_privilege when
-- it belongs to another user (nothing is deleted).
create or replace function api.delete_product(
    p_actor_id bigint,
    p_actor_is_admin boolean,
    p_id bigint,
    p_request_id text default null
)
returns bigint
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_owner bigint;
begin
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    delete from pms.products as p
     where p.id = p_id
       and pms.may_act_for(p_actor_id, p_actor_is_admin, p.user_id)
    returning p.user_id into v_owner;
    if found then
        return v_owner;
    end if;
    if exists (select from pms.products as p where p.id = p_id) then
        raise exception using
            errcode = 'insufficient_privilege',
            message = format('product %s belongs to another user', p_id);
    else
        raise exception using
            errcode = 'no_data_found',
            message = format('product %s does not exist', coalesce(p_id::text, 'NULL'));
    end if;
end;
$$;

revoke execute on function api.delete_product(bigint, boolean, bigint, text) from public;
grant execute on function api.delete_product(bigint, boolean, bigint, text) to pms_api;
