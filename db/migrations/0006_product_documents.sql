-- 0006_product_documents: each product keeps the JSON clients read, ready to send.
--
-- Building the JSON on every read (pms.product_json over the product and its image jobs) made a
-- GET about twelve times the cost of reading the row. The trigger pms.products_before_write now
-- builds it whenever the row changes, and every change of an image job touches its product
-- (pms.image_jobs_touch_product), so the document is always the row's. Reads return it as it is.
--
-- Nullable and not backfilled here: the builder is code (db/functions, applied after the
-- migrations), and a row written before this migration gets its document at its next change. Until
-- then the readers build it on the fly (coalesce(doc, pms.product_json(p))); a DBA may materialise
-- them all at once with `update pms.products set doc = null` (db/README.md).
alter table pms.products add column doc jsonb;
comment on column pms.products.doc is
    'The product as clients read it (pms.product_json), kept by the trigger pms.products_before_write; '
    'NULL only for rows not changed since migration 0006.';

-- Replaced by products_before_write (db/triggers), which also fills doc on INSERT. A new database
-- has neither yet: db/migrate creates triggers after the migrations.
drop trigger if exists products_before_update on pms.products;
drop function if exists pms.products_before_update();
