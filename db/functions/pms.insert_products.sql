-- pms.insert_products: the INSERT of api.create_products, without its error handling (the caller
-- records the errors in its own way). api.create_product runs the same statement for its one call,
-- and comes here only when that was refused, to say why.

-- p_calls: a JSON array of calls, each the arguments of api.create_product in text form (see
-- api.create_products). Inserts them all with one statement, so that a batch pays for one executor
-- start and one round of trigger set-up instead of one each,
-- and returns each call's position n (0-based) with the product's id, version and document (built by
-- the trigger pms.products_before_write). A NULL description is stored as '' and NULL images as no images. The
-- trigger pms.products_sync_image_jobs queues one image job per URL, and each job's image.process
-- outbox row carries the request id of the first call: give calls with images one at a time.
-- Each product is for its call's user, or for the actor when the call names none; an actor who is
-- not an admin may create only for themself (pms.may_act_for).
-- plan_cache_mode = force_generic_plan, as pms.update_products and for the same reason: the calls
-- are one jsonb parameter no plan can see into (instructions per api.create_product: 0.90M before, 0.87M with it).
-- Errors: 42501 insufficient_privilege for a product for another user (DETAIL {"field": "user_id"});
-- the rules of pms.products as they are broken. Any error fails the whole statement.
create or replace function pms.insert_products(p_calls jsonb)
returns table (n integer, product_id bigint, version bigint, doc json)
language plpgsql
volatile
set plan_cache_mode = force_generic_plan
as $$
declare
    v_inserted bigint;
begin
    perform pg_catalog.set_config('pms.request_id', coalesce(p_calls -> 0 ->> 7, ''), true);

    -- The ids are taken first, so that each document finds its call without relying on the order
    -- of RETURNING. The sequence by name: pg_get_serial_sequence looked it up in the catalogs for
    -- every row (35k instructions of a single create).
    return query
        with calls as (
            select (e.position - 1)::integer as n,
                   nextval('pms.products_id_seq'::regclass) as id,
                   e.value as c
              from jsonb_array_elements(p_calls) with ordinality as e (value, position)
        ),
        inserted as (
            insert into pms.products (id, user_id, name, description, price, images)
            overriding system value
            select calls.id,
                   coalesce((c ->> 2)::bigint, (c ->> 0)::bigint),
                   c ->> 3,
                   coalesce(c ->> 4, ''),
                   pms.price_in((c ->> 5)::numeric),
                   coalesce((c ->> 6)::text[], '{}')
              from calls
             -- A call for another user is left out here, and refused below.
             where pms.may_act_for((c ->> 0)::bigint, (c ->> 1)::boolean, coalesce((c ->> 2)::bigint, (c ->> 0)::bigint))
             order by calls.n
            returning pms.products.id, pms.products.version, pms.products.doc
        )
        select calls.n, inserted.id, inserted.version::bigint, inserted.doc from calls join inserted using (id) order by calls.n;

    -- Fewer rows than calls: a call was for another user. The error undoes the rows inserted; checking
    -- only then keeps a statement out of every call that succeeds.
    get diagnostics v_inserted = row_count;
    if v_inserted < jsonb_array_length(p_calls) then
        raise exception using
            errcode = 'insufficient_privilege',
            message = 'products can be created only for yourself',
            detail = '{"field": "user_id"}';
    end if;
end;
$$;

revoke execute on function pms.insert_products(jsonb) from public;
