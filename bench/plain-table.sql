-- bench/plain-table.sql: the baseline table of the SQL measurements (bench/api/run,
-- bench/sql/instructions): pms.products' shape and rows with a primary key and an index on
-- (user_id, id) only: no triggers, no CHECK constraints, no foreign key, no document. Each route's
-- plain statement runs on it.
--
-- psql variable: :max_id, where its id sequence starts (the largest id of pms.products).
set client_min_messages = warning;
drop schema if exists pms_bench_plain cascade;
create schema pms_bench_plain;
-- The columns, types, NOT NULLs, defaults and identity of pms.products, so that the two cannot
-- drift apart; not its CHECK constraints, foreign key, indexes, triggers or document.
create table pms_bench_plain.products (like pms.products including defaults including identity);
alter table pms_bench_plain.products drop column doc, add primary key (id);
insert into pms_bench_plain.products overriding system value
select id, user_id, name, description, price, images, version, created_at, updated_at from pms.products;
select setval(pg_get_serial_sequence('pms_bench_plain.products', 'id'), :max_id);
create index on pms_bench_plain.products (user_id, id);
vacuum analyze pms_bench_plain.products;
-- pgbench connects as pms-api does.
grant usage on schema pms_bench_plain to pms_api;
grant select, insert, update on pms_bench_plain.products to pms_api;
grant usage on all sequences in schema pms_bench_plain to pms_api;
