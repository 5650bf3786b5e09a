-- 0001_schema: schemas, tables, the data rules (as constraints) and the indexes of the product store.
--
-- Applied once by db/migrate inside a transaction; never edit it after it has been applied anywhere:
-- put changes in a new numbered migration.
--
-- Every rule a client can break has a named constraint whose COMMENT is the message the client sees
-- (pms.raise_rule_violation reads it), so the rule and its message are written exactly once.

-- Trigram indexes make the case-insensitive substring filter of api.list_products indexable.
-- pg_trgm is a trusted extension: the database owner may create it without being a superuser.
create extension if not exists pg_trgm;

-- db/migrate creates schema pms itself to bootstrap pms.schema_migrations; "if not exists" keeps
-- this file runnable on its own (psql -f) as well.
create schema if not exists pms;
comment on schema pms is 'Private: tables and helpers of the product store. No service role has USAGE on it.';

create schema api;
comment on schema api is 'The functions the services may call (EXECUTE granted per role); nothing else lives here.';

create type pms.image_job_status as enum ('pending', 'processing', 'done', 'failed', 'superseded');
comment on type pms.image_job_status is
    'pending: queued; processing: a worker started it; done/failed: finished; '
    'superseded: its product image changed or vanished, the result is no longer wanted.';

-- Helpers used by CHECK constraints. They live here rather than in db/functions because a constraint
-- depends on them: changing what they accept must be a migration that re-validates the constraints
-- (drop and re-add them), not a silent CREATE OR REPLACE.
create function pms.is_http_url(p_url text)
returns boolean
language sql
immutable
strict
parallel safe
set search_path = pms, pg_temp
as $$
    -- Scheme http or https, a non-empty authority, no white space or control characters anywhere.
    select char_length(p_url) <= 2048
       and p_url ~* '^https?://[^/?#[:space:][:cntrl:]]+([/?#][^[:space:][:cntrl:]]*)?$';
$$;
comment on function pms.is_http_url(text) is 'True for an http or https URL of at most 2048 characters.';

create function pms.are_http_urls(p_urls text[])
returns boolean
language sql
immutable
strict
parallel safe
set search_path = pms, pg_temp
as $$
    -- A NULL element is not a URL: reject it rather than letting it through as "unknown".
    select coalesce(bool_and(u is not null and pms.is_http_url(u)), true)
      from unnest(p_urls) as u;
$$;
comment on function pms.are_http_urls(text[]) is 'True when every element is an http or https URL of at most 2048 characters.';

create table pms.users (
    id         bigint generated always as identity primary key,
    name       text not null,
    created_at timestamptz not null default now(),
    constraint users_name_length check (char_length(name) between 1 and 200)
);
comment on table pms.users is 'Owners of products.';
comment on constraint users_name_length on pms.users is 'name must be 1 to 200 characters';

create table pms.products (
    id          bigint generated always as identity primary key,
    -- RESTRICT: deleting a user who still owns products is a mistake to report, not to cascade.
    user_id     bigint not null
                constraint products_user_id_fkey references pms.users (id) on delete restrict,
    name        text not null,
    description text not null default '',
    -- numeric(12,2) rounds silently; the api functions refuse more than 2 decimals (pms.price_in).
    price       numeric(12, 2) not null,
    -- Source URLs in display order; position N (0-based) is images[N + 1].
    images      text[] not null default '{}',
    -- Bumped by trigger on every change of the row or of its image jobs (pms.products_before_update).
    version     bigint not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint products_name_length check (char_length(name) between 1 and 200),
    constraint products_description_length check (char_length(description) <= 10000),
    constraint products_price_not_negative check (price >= 0),
    -- One dimension, 1-based, so that position N is always images[N + 1].
    constraint products_images_count check (
        cardinality(images) <= 10
        and (cardinality(images) = 0 or (array_ndims(images) = 1 and array_lower(images, 1) = 1))
    ),
    constraint products_images_urls check (pms.are_http_urls(images)),
    constraint products_version_positive check (version >= 1)
);
comment on table pms.products is 'Products; their images are processed through pms.image_jobs.';
comment on column pms.products.images is 'Source image URLs in order; position N (0-based) is images[N + 1].';
comment on column pms.products.version is 'Bumped on every change of the product or of its image jobs; sent with cache.invalidate.';
comment on constraint products_user_id_fkey on pms.products is 'user_id must name an existing user';
comment on constraint products_name_length on pms.products is 'product_name must be 1 to 200 characters';
comment on constraint products_description_length on pms.products is 'product_description must be at most 10000 characters';
comment on constraint products_price_not_negative on pms.products is 'product_price must be 0 or more';
comment on constraint products_images_count on pms.products is 'product_images must be a list of at most 10 URLs';
comment on constraint products_images_urls on pms.products is 'product_images must be http or https URLs of at most 2048 characters';
comment on constraint products_version_positive on pms.products is 'version must be 1 or more';

-- Keyset pagination of one user's products (and the index the RESTRICT check on users uses).
create index products_user_id_id_idx on pms.products (user_id, id desc);
-- One user's products within a price range.
create index products_user_id_price_idx on pms.products (user_id, price);
-- Case-insensitive substring match: pg_trgm's GIN operator class serves ILIKE '%...%'.
create index products_name_trgm_idx on pms.products using gin (name gin_trgm_ops);

create table pms.image_jobs (
    id             bigint generated always as identity primary key,
    product_id     bigint not null
                   constraint image_jobs_product_id_fkey references pms.products (id) on delete cascade,
    position       smallint not null,
    source_url     text not null,
    status         pms.image_job_status not null default 'pending',
    compressed_url text,
    width          integer,
    height         integer,
    bytes          bigint,
    error          text,
    attempts       integer not null default 0,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint image_jobs_position_range check (position between 0 and 9),
    constraint image_jobs_compressed_url check (pms.is_http_url(compressed_url)),
    constraint image_jobs_width_positive check (width > 0),
    constraint image_jobs_height_positive check (height > 0),
    constraint image_jobs_bytes_positive check (bytes > 0),
    constraint image_jobs_attempts_not_negative check (attempts >= 0),
    constraint image_jobs_done_has_result check (
        status <> 'done'
        or (compressed_url is not null and width is not null and height is not null and bytes is not null)
    ),
    constraint image_jobs_failed_has_error check (status <> 'failed' or error is not null)
);
comment on table pms.image_jobs is
    'One row per processing of one product image. A changed or removed image supersedes its job; '
    'at most one job per (product, position) is not superseded.';
comment on constraint image_jobs_position_range on pms.image_jobs is 'position must be 0 to 9';
comment on constraint image_jobs_compressed_url on pms.image_jobs is 'compressed_url must be an http or https URL of at most 2048 characters';
comment on constraint image_jobs_width_positive on pms.image_jobs is 'width must be 1 or more';
comment on constraint image_jobs_height_positive on pms.image_jobs is 'height must be 1 or more';
comment on constraint image_jobs_bytes_positive on pms.image_jobs is 'bytes must be 1 or more';
comment on constraint image_jobs_attempts_not_negative on pms.image_jobs is 'attempts must be 0 or more';
comment on constraint image_jobs_done_has_result on pms.image_jobs is 'a done image job needs compressed_url, width, height and bytes';
comment on constraint image_jobs_failed_has_error on pms.image_jobs is 'a failed image job needs an error';

-- The live job of each image; also what pms.product_json joins on.
create unique index image_jobs_one_live_per_position on pms.image_jobs (product_id, position)
    where status <> 'superseded';
-- ON DELETE CASCADE from products must find superseded jobs too.
create index image_jobs_product_id_idx on pms.image_jobs (product_id);

create table pms.outbox (
    id         bigint generated always as identity primary key,
    topic      text not null,
    payload    jsonb not null,
    -- clock_timestamp: the moment the event was written, not the start of its transaction.
    created_at timestamptz not null default clock_timestamp(),
    constraint outbox_topic_known check (topic in ('image.process', 'cache.invalidate')),
    constraint outbox_payload_object check (jsonb_typeof(payload) = 'object')
);
comment on table pms.outbox is
    'Events written by triggers in the same transaction as the change; pms-bridge publishes and deletes them '
    '(api.outbox_claim, api.outbox_delete).';
comment on constraint outbox_topic_known on pms.outbox is 'topic must be image.process or cache.invalidate';
comment on constraint outbox_payload_object on pms.outbox is 'payload must be a JSON object';

-- api.outbox_claim reads one topic in id order.
create index outbox_topic_id_idx on pms.outbox (topic, id);
