-- api.list_products: a page of products, newest first (GET /api/v1/products).

-- Returns {"items": [product...], "next_cursor": text or null} as json: the documents' text side by
-- side, not a jsonb built anew from them (migration 0008 says why). Keyset pagination on id descending:
-- p_cursor is the next_cursor of the previous page (opaque, see pms.cursor_encode). NULL filters mean no
-- filter; price bounds are inclusive; p_name_contains is a case-insensitive substring in which %, _ and
-- \ match themselves. p_limit: default 20, 1 to 100.
-- Errors: 22023 invalid_parameter_value for a limit out of range or a cursor this function did not make
-- (DETAIL {"field": "limit"} or {"field": "cursor"}).
--
-- A page is its products' ids and documents (pms.products.doc), read with one row more than the
-- limit, which tells whether there is a next page. A row without a document (not written since
-- migration 0006) gets one from pms.product_json. Three forms:
--   * a user's products, filtered by price. Most pages are the seller's newest rows: reading them
--     whole in one scan of products_user_id_id_idx (user_id, id desc) makes a call a third cheaper
--     than finding the ids first and then reading each document by id, 20 more B-tree descents
--     (bench/sql/instructions). The scan reads at most twice the rows the page needs and keeps those
--     the price filter passes. When that yields too few (a narrow price range, or the seller's last
--     page), the ids come from an index-only scan of the same index, which includes the price, so
--     that the rows the filter drops cost no heap read, and the documents are read by id after.
--     Static queries, planned once per session: plan_cache_mode = force_generic_plan keeps the
--     planner from re-planning each call and from choosing, for a big seller whose products are
--     old, a backward scan of the primary key through other users' rows (80-140 ms on a million
--     rows, bench/explain-list-products);
--   * every user's products, by price: one backward scan of the primary key, also static;
--   * a name substring: its best plan (the trigram index products_name_trgm_idx or the user's ids)
--     depends on the pattern, so the ids' query is built with only the filters given and planned
--     with their values (EXECUTE; only constant text is concatenated, every value is a parameter),
--     and the documents are read by id after, as in the first form's second way.
create or replace function api.list_products(
    p_user_id bigint,
    p_min_price numeric,
    p_max_price numeric,
    p_name_contains text,
    p_limit integer,
    p_cursor text
)
returns json
language plpgsql
stable
security definer
set search_path = pms, pg_temp
set plan_cache_mode = force_generic_plan
as $$
declare
    v_limit   integer := coalesce(p_limit, 20);
    -- No cursor: every id is below the largest bigint.
    v_after   bigint := coalesce(pms.cursor_decode(nullif(p_cursor, '')), 9223372036854775807);
    v_pattern text;
    v_sql     text;
    v_ids     bigint[];
    v_docs    json[];
    v_page    json;
begin
    if v_limit not between 1 and 100 then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = 'limit must be between 1 and 100',
            detail = '{"field": "limit"}';
    end if;

    if nullif(p_name_contains, '') is not null then
        -- ILIKE's escape character is the backslash: escape it first, then the two wildcards.
        v_pattern := '%' || replace(replace(replace(p_name_contains, '\', '\\'), '%', '\%'), '_', '\_') || '%';
        v_sql := 'select i.id from pms.products as i where i.name ilike $4 and i.id < $5';
        if p_user_id is not null then
            v_sql := v_sql || ' and i.user_id = $1';
        end if;
        if p_min_price is not null then
            v_sql := v_sql || ' and i.price >= $2';
        end if;
        if p_max_price is not null then
            v_sql := v_sql || ' and i.price <= $3';
        end if;
        execute 'select array(' || v_sql || ' order by i.id desc limit $6)'
           into v_ids
          using p_user_id, p_min_price, p_max_price, v_pattern, v_after, v_limit + 1;
    elsif p_user_id is not null then
        -- The seller's next rows, whole: the inner LIMIT bounds the heap reads of rows the filter drops.
        -- A full page is built here and returned at once (no copy of the arrays into variables).
        select case when count(*) > v_limit then pms.page_json(array_agg(r.doc), array_agg(r.id), v_limit) end
          into v_page
          from (select s.id, s.doc
                  from (select p.id, p.price, coalesce(p.doc, pms.product_json(p)) as doc
                          from pms.products as p
                         where p.user_id = p_user_id
                           and p.id < v_after
                         order by p.id desc
                         limit 2 * (v_limit + 1)) as s
                 where (p_min_price is null or s.price >= p_min_price)
                   and (p_max_price is null or s.price <= p_max_price)
                 limit v_limit + 1) as r;
        if v_page is not null then
            return v_page;
        end if;
        v_ids := array(select i.id
                         from pms.products as i
                        where i.user_id = p_user_id
                          and i.id < v_after
                          and (p_min_price is null or i.price >= p_min_price)
                          and (p_max_price is null or i.price <= p_max_price)
                        order by i.id desc
                        limit v_limit + 1);
    else
        select array_agg(r.id), array_agg(r.doc)
          into v_ids, v_docs
          from (select p.id, coalesce(p.doc, pms.product_json(p)) as doc
                  from pms.products as p
                 where p.id < v_after
                   and (p_min_price is null or p.price >= p_min_price)
                   and (p_max_price is null or p.price <= p_max_price)
                 order by p.id desc
                 limit v_limit + 1) as r;
    end if;

    if v_docs is null then
        -- A backward scan of the primary key reads the documents newest first, in the ids' order.
        -- OFFSET 0 keeps the subquery a node of its own, so the fallback's whole-row p is built only
        -- for a NULL doc; in the array's query the scan copied every row it read.
        v_docs := array(select coalesce(p.doc, pms.product_json(p))
                          from pms.products as p
                         where p.id = any (v_ids[1:v_limit])
                         order by p.id desc
                        offset 0);
    end if;

    return pms.page_json(v_docs, v_ids, v_limit);
end;
$$;

revoke execute on function api.list_products(bigint, numeric, numeric, text, integer, text) from public;
grant execute on function api.list_products(bigint, numeric, numeric, text, integer, text) to pms_api;
