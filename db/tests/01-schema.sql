-- 01-schema: the objects db/migrate creates: schemas, tables, types, indexes, foreign keys, functions.
begin;
create extension if not exists pgtap;
select plan(42);

select has_schema('pms');
select has_schema('api');
select has_extension('pg_trgm');

select has_table('pms', 'users', 'pms.users exists');
select has_table('pms', 'products', 'pms.products exists');
select has_table('pms', 'image_jobs', 'pms.image_jobs exists');
select has_table('pms', 'outbox', 'pms.outbox exists');
select has_table('pms', 'schema_migrations', 'pms.schema_migrations exists');
select ok(
    (select count(*) >= 2 from pms.schema_migrations where filename in ('0001_schema.sql', '0002_roles.sql')),
    'the migrations are recorded');

select enum_has_labels('pms', 'image_job_status', array['pending', 'processing', 'done', 'failed', 'superseded']);
-- The one-column rules of products and outbox are their columns' domains (migration 0015).
select col_type_is('pms', 'products', 'price', 'pms.product_price', 'price is the domain product_price');
select is((select format_type(typbasetype, typtypmod) from pg_type where oid = 'pms.product_price'::regtype),
          'numeric(12,2)', 'product_price is numeric(12,2)');
select col_type_is('pms', 'products', 'version', 'pms.product_version', 'version is the domain product_version');
select domain_type_is('pms', 'product_version', 'bigint', 'product_version is bigint');
select col_type_is('pms', 'products', 'images', 'pms.product_images', 'images is the domain product_images');
select domain_type_is('pms', 'product_images', 'text[]', 'product_images is text[]');
select col_default_is('pms', 'products', 'description', '', 'description defaults to the empty string');
select col_type_is('pms', 'image_jobs', 'status', 'pms.image_job_status', 'job status is the enum');
select col_type_is('pms', 'outbox', 'payload', 'pms.outbox_payload', 'outbox payload is the domain outbox_payload');
select domain_type_is('pms', 'outbox_payload', 'jsonb', 'outbox_payload is jsonb');
select col_type_is('pms', 'products', 'doc', 'json', 'a product''s document is json: reads copy its text (migration 0012)');
select col_is_pk('pms', 'schema_migrations', 'filename', 'schema_migrations is keyed by file name');

select has_index('pms', 'products', 'products_user_id_id_idx', array['user_id', 'id', 'price'],
                 'keyset index (user_id, id desc) including price');
select has_index('pms', 'products', 'products_user_id_price_idx', array['user_id', 'price'], 'price filter index (user_id, price)');
select index_is_type('pms', 'products', 'products_name_trgm_idx', 'gin', 'trigram index on name is GIN');
select has_index('pms', 'outbox', 'outbox_topic_id_idx', array['topic', 'id'], 'outbox index (topic, id)');
select ok(
    (select i.indisunique and i.indpred is not null
       from pg_index as i
      where i.indexrelid = 'pms.image_jobs_one_live_per_position'::regclass),
    'one live job per (product, position): a partial unique index');

select is(
    (select confdeltype::text from pg_constraint where conname = 'products_user_id_fkey'),
    'r', 'products.user_id: ON DELETE RESTRICT');
select is(
    (select confdeltype::text from pg_constraint where conname = 'image_jobs_product_id_fkey'),
    'c', 'image_jobs.product_id: ON DELETE CASCADE');

select functions_are('api', array[
    'create_user', 'create_product', 'create_products', 'get_product', 'get_products', 'list_products', 'update_product',
    'update_products', 'delete_product', 'start_image_job', 'complete_image_job', 'fail_image_job', 'outbox_claim', 'outbox_delete',
    'outbox_bridge_idle', 'outbox_bridge_busy', 'outbox_bridge_stats', 'outbox_backlog']);

select function_returns('api', 'create_user', array['bigint', 'boolean', 'text', 'text'], 'jsonb');
select function_returns('api', 'create_product', array['bigint', 'boolean', 'bigint', 'text', 'text', 'numeric', 'text[]', 'text'], 'json');
select function_returns('api', 'get_product', array['bigint'], 'json');
select function_returns('api', 'list_products', array['bigint', 'numeric', 'numeric', 'text', 'integer', 'text'], 'json');
select function_returns('api', 'update_product', array['bigint', 'boolean', 'bigint', 'text', 'text', 'numeric', 'text[]', 'text'], 'json');
select function_returns('api', 'delete_product', array['bigint', 'boolean', 'bigint', 'text'], 'bigint');
select function_returns('api', 'start_image_job', array['bigint', 'text'], 'jsonb');
select function_returns('api', 'complete_image_job', array['bigint', 'text', 'integer', 'integer', 'bigint', 'text'], 'jsonb');
select function_returns('api', 'fail_image_job', array['bigint', 'text', 'text'], 'jsonb');
select function_returns('api', 'outbox_claim', array['text', 'integer'], 'setof record');
select function_returns('api', 'outbox_delete', array['bigint[]'], 'integer');

select is_empty(
    $$select p.oid::regprocedure::text
        from pg_proc as p
        join pg_namespace as n on n.oid = p.pronamespace
       where n.nspname = 'api'
         and not (p.prosecdef and p.proconfig @> array['search_path=pms, pg_temp'])$$,
    'every api function is SECURITY DEFINER with search_path = pms, pg_temp');

select * from finish();
rollback;
