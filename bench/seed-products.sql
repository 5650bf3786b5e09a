-- bench/seed-products.sql: generated products for the benchmarks and bench/explain-list-products.
--
-- psql variables: :users (new users), :products (new products). The first new user gets the
-- first tenth of the products (an old big seller whose products all have low ids: the case that
-- tempts the planner into a backward primary-key scan); the others share the rest round-robin.
-- Products have no images (no jobs, no outbox rows); names draw from a small vocabulary plus a
-- serial number, so substrings repeat as they do in real catalogues. Written straight into the
-- tables, through their constraints and triggers, for speed: a million rows in about 35 s.
create temporary table seed_users as
with created as (
    insert into pms.users (name)
    select 'bench user ' || n from generate_series(1, :users) as n
    returning id
)
select id, row_number() over (order by id) - 1 as rank from created;

insert into pms.products (user_id, name, price)
select (select id from seed_users
         where rank = case when n <= :products / 10 then 0
                           else 1 + n % greatest(:users - 1, 1) end),
       (array['red', 'blue', 'green', 'oak', 'steel', 'vintage', 'modern', 'tiny'])[1 + n % 8] || ' ' ||
       (array['lamp', 'chair', 'desk', 'table', 'sofa', 'shelf', 'rug', 'clock'])[1 + (n / 8) % 8] || ' ' || n,
       round((random() * 1000)::numeric, 2)
  from generate_series(1, :products) as n;

vacuum analyze pms.users;
vacuum analyze pms.products;
