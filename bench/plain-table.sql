-- bench/plain-table.sql: the baseline tables of the SQL measurements (bench/api/run,
-- bench/sql/instructions), both with pms.products' shape and rows:
--   * pms_bench_plain.products, with a primary key and an index on (user_id, id) only: no
--     triggers, no CHECK constraints, no foreign key, no document. Each route's plain statement
--     runs on it.
--   * pms_bench_plain.ruled, with every rule of pms.products that the schema states rather than
--     computes: its CHECK constraints, its foreign key to pms.users and its indexes (the trigram
--     index too), but no triggers and no document. The plain INSERT and UPDATE run on it as well,
--     so that a single api write's cost can be told apart from what its table's rules cost.
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

create table pms_bench_plain.ruled
    (like pms.products including defaults including identity including constraints including indexes);
alter table pms_bench_plain.ruled
    drop column doc,
    add foreign key (user_id) references pms.users (id) on delete restrict;
-- pms_api may not execute pms.*: the URL check calls copies of the two functions.
do $$
declare
    v_function regprocedure;
begin
    foreach v_function in array array['pms.is_http_url(text)', 'pms.are_http_urls(text[])']::regprocedure[] loop
        execute replace(pg_get_functiondef(v_function), 'pms.', 'pms_bench_plain.');
    end loop;
end
$$;
alter table pms_bench_plain.ruled
    drop constraint products_images_urls,
    add constraint products_images_urls check (pms_bench_plain.are_http_urls(images));
insert into pms_bench_plain.ruled overriding system value
select id, user_id, name, description, price, images, version, created_at, updated_at from pms.products;
select setval(pg_get_serial_sequence('pms_bench_plain.ruled', 'id'), :max_id);
vacuum analyze pms_bench_plain.ruled;

-- pgbench connects as pms-api does.
grant usage on schema pms_bench_plain to pms_api;
grant select, insert, update on pms_bench_plain.products, pms_bench_plain.ruled to pms_api;
grant execute on all functions in schema pms_bench_plain to pms_api;
grant usage on all sequences in schema pms_bench_plain to pms_api;
