-- pms.update_products: the UPDATE of api.update_products, without its error handling (the caller
-- records the errors in its own way). api.update_product runs the same statement for its one call,
-- and comes here only when that updated nothing, to say why.

-- p_calls: a JSON array of calls, each the arguments of api.update_product in text form (see
-- api.update_products), each for a different product. Updates them all with one statement, as
-- pms.insert_products inserts, and returns each call's position n (0-based) with the product's id,
-- version and document, in no particular order. NULL description is stored as '', NULL images as no
-- images; the owner (user_id) does not change.
-- A caller making several calls locks their rows in the order of the ids first, so that two
-- batches cannot deadlock each other (pms.run_batch does). The write-backs also lock the product
-- row first (pms.lock_image_job), so a PUT and a worker's write-back run one after the other. When
-- the image list changes, the trigger pms.products_sync_image_jobs supersedes the job of every
-- position whose URL changed or disappeared and queues a new job for every changed or new
-- position; unchanged positions keep their job and result. (It is a trigger so that a DBA's direct
-- UPDATE of images is processed the same way.) The new jobs' image.process outbox rows carry the
-- request id of the first call: give calls with images one at a time.
-- An actor who is not an admin may update only their own products (pms.may_act_for).
-- plan_cache_mode = force_generic_plan: every statement reads the calls from one jsonb parameter
-- whose contents no plan can use (jsonb_array_elements is estimated at 100 rows either way), yet the
-- plan cache kept planning them on every call because their generic plans looked costlier: a sixth
-- of a single update's work (callgrind, instructions per api.update_product: 1.50M before, 1.25M with it).
-- Errors (nothing is updated then): P0002 no_data_found when a product does not exist; 42501
-- insufficient_privilege when it belongs to another user; 22023 when two calls name the same
-- product.
create or replace function pms.update_products(p_calls jsonb)
returns table (n integer, product_id bigint, version bigint, doc json)
language plpgsql
volatile
set plan_cache_mode = force_generic_plan
as $$
declare
    v_updated bigint;
    v_ids     bigint[];
    v_missing bigint;
    v_foreign bigint;
begin
    perform pg_catalog.set_config('pms.request_id', coalesce(p_calls -> 0 ->> 7, ''), true);

    -- Another user's product is left alone here, and refused below. The rows as the UPDATE leaves
    -- them are the rows at the end: no trigger of this statement writes them again (the supersede of
    -- products_sync_image_jobs spares them, see image_jobs_touch_product).
    return query
        update pms.products as p
           set name = e.c ->> 3,
               description = coalesce(e.c ->> 4, ''),
               price = pms.price_in((e.c ->> 5)::numeric),
               images = coalesce((e.c ->> 6)::text[], '{}')
          from jsonb_array_elements(p_calls) with ordinality as e (c, position)
         where p.id = (e.c ->> 2)::bigint
           and pms.may_act_for((e.c ->> 0)::bigint, (e.c ->> 1)::boolean, p.user_id)
        returning (e.position - 1)::integer, p.id, p.version::bigint, p.doc;

    -- Fewer rows than calls: say why, and the error undoes the rows that were updated. Checking
    -- only then keeps three statements out of every call that succeeds.
    get diagnostics v_updated = row_count;
    if v_updated < jsonb_array_length(p_calls) then
        select array_agg((e.value ->> 2)::bigint order by e.position) into v_ids
          from jsonb_array_elements(p_calls) with ordinality as e (value, position);
        if (select count(i) <> count(distinct i) from unnest(v_ids) as i) then
            raise exception using
                errcode = 'invalid_parameter_value',
                message = 'a batch of updates names a product more than once';
        end if;

        select i into v_missing
          from unnest(v_ids) as i
         where not exists (select from pms.products as p where p.id = i)
         limit 1;
        if found then
            raise exception using
                errcode = 'no_data_found',
                message = format('product %s does not exist', coalesce(v_missing::text, 'NULL'));
        end if;

        select p.id into v_foreign
          from jsonb_array_elements(p_calls) as e (c)
          join pms.products as p on p.id = (c ->> 2)::bigint
         where not pms.may_act_for((c ->> 0)::bigint, (c ->> 1)::boolean, p.user_id)
         limit 1;
        raise exception using
            errcode = 'insufficient_privilege',
            message = format('product %s belongs to another user', v_foreign);
    end if;
end;
$$;

revoke execute on function pms.update_products(jsonb) from public;
