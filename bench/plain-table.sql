-- bench/plain-table.sql: the baseline tables of the SQL measurements (bench/api/run,
-- bench/sql/instructions), both with pms.products' shape and rows:
--   * pms_bench_plain.products, with a primary key and an index on (user_id, id) only: no
--     triggers, no rules, no foreign key, no document. Each route's plain statement
--     runs on it.
--   * pms_bench_plain.ruled, with every rule of pms.products that the schema states rather than
--     computes: its domains' rules, its foreign key to pms.users and its indexes (the trigram
--     index too), but no triggers and no document. The plain INSERT and UPDATE run on it as well,
--     so that a single api write's cost can be told apart from what its table's rules cost.
--   * pms_bench_plain.outbox, with pms.outbox's shape, rules and indexes but no trigger: beside ruled,
--     the plain statement that writes a product's row and its cache.invalidate row in one go, the
--     least a transactional outbox asks of a single write.
--
-- psql variable: :max_id, where its id sequence starts (the largest id of pms.products).
set client_min_messages = warning;
drop schema if exists pms_bench_plain cascade;
create schema pms_bench_plain;
-- The columns, types, NOT NULLs, defaults and identity of pms.products, so that the two cannot
-- drift apart; not its rules, foreign key, indexes, triggers or document. Its one-column rules are
-- its columns' domains (migration 0015): plain's columns get the domains' base types.
create table pms_bench_plain.products (like pms.products including defaults including identity);
alter table pms_bench_plain.products drop column doc, add primary key (id);
create table pms_bench_plain.ruled
    (like pms.products including defaults including identity including constraints including indexes);
alter table pms_bench_plain.ruled
    drop column doc,
    add foreign key (user_id) references pms.users (id) on delete restrict;
create table pms_bench_plain.outbox (like pms.outbox including all);
-- pms_api may not execute pms.*: ruled's URL check calls copies of the two functions, in copies of
-- the domains (outbox's too, so that pms_api needs nothing of schema pms).
do $$
declare
    v_function regprocedure;
    v_column   record;
    v_rule     record;
begin
    foreach v_function in array array['pms.is_http_url(text)', 'pms.are_http_urls(text[])']::regprocedure[] loop
        execute replace(pg_get_functiondef(v_function), 'pms.', 'pms_bench_plain.');
    end loop;
    for v_column in
        select a.attrelid::regclass as source, a.attname, d.oid as domain, d.typname,
               format_type(d.typbasetype, d.typtypmod) as base
          from pg_attribute as a
          join pg_type as d on d.oid = a.atttypid and d.typtype = 'd'
         where a.attrelid in ('pms.products'::regclass, 'pms.outbox'::regclass) and a.attnum > 0 and not a.attisdropped
    loop
        if v_column.source = 'pms.products'::regclass then
            execute format('alter table pms_bench_plain.products alter column %I type %s', v_column.attname, v_column.base);
        end if;
        execute format('create domain pms_bench_plain.%I as %s', v_column.typname, v_column.base);
        for v_rule in select c.conname, pg_get_constraintdef(c.oid) as definition
                        from pg_constraint as c
                       where c.contypid = v_column.domain
        loop
            execute format('alter domain pms_bench_plain.%I add constraint %I %s', v_column.typname,
                           v_rule.conname, replace(v_rule.definition, 'pms.', 'pms_bench_plain.'));
        end loop;
        execute format('alter table pms_bench_plain.%I alter column %I type pms_bench_plain.%I',
                       case when v_column.source = 'pms.products'::regclass then 'ruled' else 'outbox' end,
                       v_column.attname, v_column.typname);
    end loop;
end
$$;
insert into pms_bench_plain.products overriding system value
select id, user_id, name, description, price, images, version, created_at, updated_at from pms.products;
select setval(pg_get_serial_sequence('pms_bench_plain.products', 'id'), :max_id);
create index on pms_bench_plain.products (user_id, id);
vacuum analyze pms_bench_plain.products;

insert into pms_bench_plain.ruled overriding system value
select id, user_id, name, description, price, images, version, created_at, updated_at from pms.products;
select setval(pg_get_serial_sequence('pms_bench_plain.ruled', 'id'), :max_id);
vacuum analyze pms_bench_plain.ruled;

-- pgbench connects as pms-api does.
grant usage on schema pms_bench_plain to pms_api;
grant select, insert, update on pms_bench_plain.products, pms_bench_plain.ruled, pms_bench_plain.outbox to pms_api;
grant execute on all functions in schema pms_bench_plain to pms_api;
grant usage on all sequences in schema pms_bench_plain to pms_api;
