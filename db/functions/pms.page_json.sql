-- pms.page_json: a page of api.list_products as clients read it: {"items": [...], "next_cursor": ...}.

-- p_docs and p_ids: the page's documents and ids, newest first, with one more than p_limit when
-- there is a next page; the cursor then names the last id shown (pms.cursor_encode).
-- SQL with no SET clause, so that PostgreSQL inlines it where it is called.
create or replace function pms.page_json(p_docs json[], p_ids bigint[], p_limit integer)
returns json
language sql
stable
parallel safe
as $$
    select json_build_object('items', coalesce(array_to_json(p_docs[1:p_limit]), '[]'),
                             'next_cursor', case when cardinality(p_ids) > p_limit then pms.cursor_encode(p_ids[p_limit]) end);
$$;

revoke execute on function pms.page_json(json[], bigint[], integer) from public;
