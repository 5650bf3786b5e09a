-- 05-list: api.list_products: filters, keyset pagination, cursor and limit errors.
begin;
create extension if not exists pgtap;
select plan(31);

create temporary table t (who text primary key, user_id bigint);
insert into t values ('a', (api.create_user(null, true, 'lister a') ->> 'id')::bigint),
                     ('b', (api.create_user(null, true, 'lister b') ->> 'id')::bigint);

-- User a's products, oldest first; user b has one, to show that the user filter filters.
create temporary table made (n integer, id bigint, name text, price numeric);
insert into made (n, name, price)
values (1, 'Desk LAMP', 10), (2, '100% cotton shirt', 20), (3, 'cotton shirt', 30),
       (4, 'snake_case mug', 40), (5, 'snakeXcase mug', 50), (6, 'back\slash poster', 60);
do $$
declare
    r record;
begin
    for r in select * from made order by n loop
        update made
           set id = (api.create_product(null, true, (select user_id from t where who = 'a'), r.name, '', r.price, '{}') ->> 'id')::bigint
         where n = r.n;
    end loop;
end
$$;
do $$ begin perform api.create_product(null, true, (select user_id from t where who = 'b'), 'lamp of b', '', 10, '{}'); end $$;

-- The ids of a page, in order.
create function pg_temp.ids(p_page jsonb)
returns bigint[]
language sql
as $$
    select coalesce(array_agg((i ->> 'id')::bigint order by o), '{}')
      from jsonb_array_elements(p_page -> 'items') with ordinality as e (i, o);
$$;
create function pg_temp.ids_of(p_names text[])
returns bigint[]
language sql
as $$
    select array_agg(id order by id desc) from made where name = any (p_names);
$$;
create function pg_temp.page(p_min numeric, p_max numeric, p_name text, p_limit integer, p_cursor text)
returns jsonb
language sql
as $$
    select api.list_products((select user_id from t where who = 'a'), p_min, p_max, p_name, p_limit, p_cursor);
$$;

select is(pg_temp.ids(pg_temp.page(null, null, null, null, null)),
          (select array_agg(id order by id desc) from made), 'no filter, default limit: all of the user''s products, newest first');
select is(pg_temp.page(null, null, null, null, null) -> 'next_cursor', 'null', 'a last page has next_cursor null');
select is(pg_temp.page(null, null, null, 6, null) -> 'next_cursor', 'null', 'exactly limit rows left: next_cursor null');
select is(jsonb_typeof(pg_temp.page(null, null, null, 5, null) -> 'next_cursor'), 'string', 'more rows than limit: a next_cursor');
select is(
    (pg_temp.page(null, null, null, 1, null) -> 'items' -> 0),
    api.get_product((select max(id) from made))::jsonb,
    'items are the products as get_product returns them');

-- Keyset pagination: pages of 4 then 2.
create temporary table pages as select pg_temp.page(null, null, null, 4, null) as first;
alter table pages add column second jsonb;
update pages set second = pg_temp.page(null, null, null, 4, first ->> 'next_cursor');
select is(pg_temp.ids((select first from pages)), (select (array_agg(id order by id desc))[1:4] from made), 'page 1: the 4 newest');
select is(pg_temp.ids((select second from pages)), (select (array_agg(id order by id desc))[5:6] from made), 'page 2: the rest');
select is((select second -> 'next_cursor' from pages), 'null', 'page 2 is the last');
select unalike((select first ->> 'next_cursor' from pages), '%' || (select (array_agg(id order by id desc))[4] from made) || '%',
               'the cursor does not show the id in clear');
-- A product created after page 1 does not shift page 2 (keyset, not offset).
do $$ begin perform api.create_product(null, true, (select user_id from t where who = 'a'), 'newer', '', 1, '{}'); end $$;
select is(pg_temp.ids(pg_temp.page(null, null, null, 4, (select first ->> 'next_cursor' from pages))),
          pg_temp.ids((select second from pages)), 'a new product does not shift the next page');
delete from pms.products where name = 'newer' and user_id = (select user_id from t where who = 'a');

-- Filters
select is(pg_temp.ids(pg_temp.page(20, 40, null, null, null)),
          pg_temp.ids_of(array['100% cotton shirt', 'cotton shirt', 'snake_case mug']), 'price bounds are inclusive');
select is(pg_temp.ids(pg_temp.page(55, null, null, null, null)), pg_temp.ids_of(array['back\slash poster']), 'min_price alone');
select is(pg_temp.ids(pg_temp.page(null, 10, null, null, null)), pg_temp.ids_of(array['Desk LAMP']), 'max_price alone');
select is(pg_temp.ids(pg_temp.page(null, null, 'lamp', null, null)), pg_temp.ids_of(array['Desk LAMP']), 'name: case-insensitive substring');
select is(pg_temp.ids(pg_temp.page(null, null, 'COTTON', null, null)),
          pg_temp.ids_of(array['100% cotton shirt', 'cotton shirt']), 'name: substring anywhere');
select is(pg_temp.ids(pg_temp.page(null, null, '%', null, null)), pg_temp.ids_of(array['100% cotton shirt']), 'name: % matches itself only');
select is(pg_temp.ids(pg_temp.page(null, null, 'e_c', null, null)), pg_temp.ids_of(array['snake_case mug']), 'name: _ matches itself only');
select is(pg_temp.ids(pg_temp.page(null, null, 'k\s', null, null)), pg_temp.ids_of(array['back\slash poster']), 'name: \ matches itself');
select is(pg_temp.ids(pg_temp.page(null, null, '', null, null)), (select array_agg(id order by id desc) from made), 'name: empty means no filter');
select is(pg_temp.ids(pg_temp.page(15, null, 'shirt', 1, null)), pg_temp.ids_of(array['cotton shirt']), 'filters combine with the limit');
-- A price filter, paged by 2. Page 1 comes from one scan of the seller's 6 newest rows, of which the
-- filter drops the newest and passes 3; page 2, with 2 rows left to pass, from the ids first.
create temporary table priced as select pg_temp.page(20, 50, null, 2, null) as first;
alter table priced add column second jsonb;
update priced set second = pg_temp.page(20, 50, null, 2, first ->> 'next_cursor');
select is(pg_temp.ids((select first from priced)), pg_temp.ids_of(array['snakeXcase mug', 'snake_case mug']),
          'price filter, page 1 of 2');
select is(pg_temp.ids((select second from priced)), pg_temp.ids_of(array['cotton shirt', '100% cotton shirt']),
          'price filter, page 2 of 2');
select is((select second -> 'next_cursor' from priced), 'null', 'price filter: page 2 is the last');
-- With a limit of 1 the scan of the newest rows reads 4 (60, 50, 40, 30), of which [20, 30] passes
-- one; the next row that passes (20) lies beyond them, so the page must still have a next.
select is(pg_temp.ids(pg_temp.page(20, 30, null, 1, null)), pg_temp.ids_of(array['cotton shirt']),
          'price filter, a short scan: the page');
select isnt(pg_temp.page(20, 30, null, 1, null) -> 'next_cursor', 'null'::jsonb,
            'price filter, a short scan: a row beyond the rows it read still makes a next page');
select ok(
    pg_temp.ids(api.list_products(null, null, null, 'lamp', 100, null)::jsonb)
        @> array[(select id from made where n = 1),
                 (select id from pms.products where name = 'lamp of b' and user_id = (select user_id from t where who = 'b'))],
    'NULL user: every user''s products');

-- Errors
select throws_ok($$select pg_temp.page(null, null, null, 0, null)$$, '22023', 'limit must be between 1 and 100', 'limit 0: 22023');
select throws_ok($$select pg_temp.page(null, null, null, 101, null)$$, '22023', 'limit must be between 1 and 100', 'limit 101: 22023');
select throws_ok($$select pg_temp.page(null, null, null, null, 'not a cursor!')$$, '22023',
                 'cursor is invalid: pass the next_cursor of the previous page unchanged', 'garbage cursor: 22023');
select throws_ok($$select pg_temp.page(null, null, null, null, rtrim(encode('v2:5', 'base64'), '='))$$, '22023', null,
                 'a cursor of another version: 22023');
select is(pg_temp.page(null, null, null, null, ''), pg_temp.page(null, null, null, null, null), 'an empty cursor is the first page');

select * from finish();
rollback;
