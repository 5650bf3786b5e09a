-- 0015_rules_as_domains: the one-column rules of pms.products and pms.outbox move from CHECK
-- constraints of the tables to domains, the columns' types.
--
-- A table's CHECK constraints are read from their stored text and planned again by every statement
-- that writes the table: 8 constraints, 180,000 of the 1,150,000 CPU instructions of an
-- api.create_product or api.update_product call (bench/sql/instructions, callgrind's stringToNode).
-- A domain's constraints are read and planned once per session and kept in its type cache.
--
-- Nothing a client or a DBA relies on changes: each rule keeps its name, its expression and its
-- message (the constraint's comment), is checked on every INSERT, UPDATE and COPY of the column as
-- before, and still raises 23514. PostgreSQL reports a domain's violation with the domain instead
-- of the table and column, and pms.raise_rule_violation finds the column from the domain. The
-- rules of pms.image_jobs that read two columns stay table constraints, and so, to keep its rules
-- in one place, do its one-column ones. NOT NULL stays on the columns: a domain's NOT NULL is not
-- checked where a column's is (an outer join, a PL/pgSQL variable).
--
-- No table is rewritten: the columns change to domains that have no constraint yet (the same
-- storage, so the indexes are kept), then each constraint is added to its domain, which checks the
-- rows already there with one scan, and only then is the table's CHECK dropped, all in this
-- migration's transaction, under an ACCESS EXCLUSIVE lock on both tables for about a second per
-- million products. The views and triggers that the change of type makes PostgreSQL drop first are
-- created again in the same transaction, so that no write in between misses a trigger (a product's
-- images would queue no image jobs).

create domain pms.product_name as text;
create domain pms.product_description as text;
create domain pms.product_price as numeric(12, 2);
create domain pms.product_images as text[];
create domain pms.product_version as bigint;
create domain pms.outbox_topic as text;
create domain pms.outbox_payload as jsonb;

-- PostgreSQL refuses to change the type of a column that a view or a trigger's WHEN clause reads:
-- those are dropped and created again from their own definitions, in this transaction.
do $$
declare
    v_tables      regclass[] := array['pms.products', 'pms.outbox'];
    v_views       regclass[];
    v_view        regclass;
    v_definitions text[];
    v_definition  text;
begin
    select array_agg(distinct r.ev_class::regclass)
      into v_views
      from pg_catalog.pg_depend as d
      join pg_catalog.pg_rewrite as r on r.oid = d.objid
     where d.classid = 'pg_catalog.pg_rewrite'::regclass
       and d.refobjid = any (v_tables)
       and r.ev_class <> all (v_tables);
    -- Names written out whole: a regclass prints without its schema when search_path finds it.
    select array_agg(format('create view %I.%I as %s comment on view %1$I.%2$I is %4$L', n.nspname, c.relname,
                            pg_catalog.pg_get_viewdef(c.oid), pg_catalog.obj_description(c.oid, 'pg_class')))
      into v_definitions
      from pg_catalog.pg_class as c
      join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
     where c.oid = any (v_views);
    foreach v_view in array coalesce(v_views, '{}') loop
        execute format('drop view %s', v_view);
    end loop;

    select v_definitions || array_agg(pg_catalog.pg_get_triggerdef(t.oid))
      into v_definitions
      from pg_catalog.pg_trigger as t
     where t.tgrelid = any (v_tables)
       and t.tgqual is not null
       and not t.tgisinternal;
    for v_definition in
        select format('drop trigger %I on %s', t.tgname, t.tgrelid::regclass)
          from pg_catalog.pg_trigger as t
         where t.tgrelid = any (v_tables)
           and t.tgqual is not null
           and not t.tgisinternal
    loop
        execute v_definition;
    end loop;

    alter table pms.products
        alter column name type pms.product_name,
        alter column description type pms.product_description,
        alter column price type pms.product_price,
        alter column images type pms.product_images,
        alter column version type pms.product_version;
    alter table pms.outbox
        alter column topic type pms.outbox_topic,
        alter column payload type pms.outbox_payload;

    foreach v_definition in array coalesce(v_definitions, '{}') loop
        execute v_definition;
    end loop;
end
$$;

-- Each rule, then its client message.
alter domain pms.product_name
    add constraint products_name_length check (char_length(value) between 1 and 200);
comment on constraint products_name_length on domain pms.product_name is
    'product_name must be 1 to 200 characters';

alter domain pms.product_description
    add constraint products_description_length check (char_length(value) <= 10000);
comment on constraint products_description_length on domain pms.product_description is
    'product_description must be at most 10000 characters';

alter domain pms.product_price
    add constraint products_price_not_negative check (value >= 0);
comment on constraint products_price_not_negative on domain pms.product_price is
    'product_price must be 0 or more';

-- One dimension, 1-based, so that position N is always images[N + 1].
alter domain pms.product_images
    add constraint products_images_count check (
        cardinality(value) <= 10
        and (cardinality(value) = 0 or (array_ndims(value) = 1 and array_lower(value, 1) = 1))
    );
comment on constraint products_images_count on domain pms.product_images is
    'product_images must be a list of at most 10 URLs';

alter domain pms.product_images
    add constraint products_images_urls check (pms.are_http_urls(value));
comment on constraint products_images_urls on domain pms.product_images is
    'product_images must be http or https URLs of at most 2048 characters';

alter domain pms.product_version
    add constraint products_version_positive check (value >= 1);
comment on constraint products_version_positive on domain pms.product_version is
    'version must be 1 or more';

alter domain pms.outbox_topic
    add constraint outbox_topic_known check (value in ('image.process', 'cache.invalidate'));
comment on constraint outbox_topic_known on domain pms.outbox_topic is
    'topic must be image.process or cache.invalidate';

alter domain pms.outbox_payload
    add constraint outbox_payload_object check (jsonb_typeof(value) = 'object');
comment on constraint outbox_payload_object on domain pms.outbox_payload is
    'payload must be a JSON object';

alter table pms.products
    drop constraint products_name_length,
    drop constraint products_description_length,
    drop constraint products_price_not_negative,
    drop constraint products_images_count,
    drop constraint products_images_urls,
    drop constraint products_version_positive;
alter table pms.outbox
    drop constraint outbox_topic_known,
    drop constraint outbox_payload_object;
