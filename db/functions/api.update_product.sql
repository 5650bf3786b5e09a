-- api.update_product: replaces the editable fields of a product (PUT /api/v1/products/{id}).

-- Returns the product's document (pms.products.doc). NULL description is stored as '', NULL images as no images;
-- the owner (user_id) does not change.
-- The UPDATE locks the product row first, the same lock the write-backs take first
-- (pms.lock_image_job), so a PUT and a worker's write-back run one after the other. When the image
-- list changes, the trigger pms.products_sync_image_jobs supersedes the job of every position whose URL
-- changed or disappeared and queues a new job for every changed or new position; unchanged positions
-- keep their job and result. (It is a trigger so that a DBA's direct UPDATE of images is processed the
-- same way.)
-- Errors: P0002 no_data_found when the product does not exist; otherwise as api.create_product.
create or replace function api.update_product(
    p_id bigint,
    p_name text,
    p_description text,
    p_price numeric,
    p_images text[],
    p_request_id text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pms, pg_temp
as $$
declare
    v_doc        jsonb;
    v_schema     text;
    v_table      text;
    v_column     text;
    v_constraint text;
begin
    perform set_config('pms.request_id', coalesce(p_request_id, ''), true);

    update pms.products as p
       set name = p_name,
           description = coalesce(p_description, ''),
           price = pms.price_in(p_price),
           images = coalesce(p_images, '{}')
     where p.id = p_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('product %s does not exist', coalesce(p_id::text, 'NULL'));
    end if;

    -- Not RETURNING: superseding jobs touches the product again after the UPDATE; return it as it is now.
    select p.doc into v_doc from pms.products as p where p.id = p_id;
    return v_doc;
exception
    when integrity_constraint_violation then
        get stacked diagnostics v_schema = schema_name, v_table = table_name,
                                v_column = column_name, v_constraint = constraint_name;
        perform pms.raise_rule_violation(sqlstate, v_schema, v_table, v_column, v_constraint);
        raise;
end;
$$;

revoke execute on function api.update_product(bigint, text, text, numeric, text[], text) from public;
grant execute on function api.update_product(bigint, text, text, numeric, text[], text) to pms_api;
