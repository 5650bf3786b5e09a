-- 0012_documents_as_json: pms.products.doc is json, not jsonb; the readers return it as json.
--
-- A document is written once per change and read many times, always whole and always as text:
-- pms-api sends it to clients and to Redis as it is. Kept as jsonb, every read wrote the binary
-- form out as text again (jsonb_out was a quarter of a page of 20's CPU instructions); json is
-- stored as the text itself, so a read copies it (pgbench, one client, api.list_products: 5,800 to
-- 6,100 pages/s before, 7,300 after). pms.product_json still builds jsonb and writes it out once,
-- when the row is written, so clients read the same text as before, byte for byte.
--
-- The column's new type rewrites pms.products under an ACCESS EXCLUSIVE lock (seconds per million
-- rows): upgrade as the README says. CREATE OR REPLACE cannot change a return type: the functions
-- returning documents are dropped here and db/functions creates them again (with their grants)
-- right after the migrations; between the two, product reads and writes fail for a moment.
alter table pms.products alter column doc type json using doc::json;

drop function if exists api.get_product(bigint);
drop function if exists api.get_products(bigint[]);
drop function if exists api.create_product(bigint, boolean, bigint, text, text, numeric, text[], text);
drop function if exists api.update_product(bigint, boolean, bigint, text, text, numeric, text[], text);
drop function if exists api.create_products(jsonb);
drop function if exists api.update_products(jsonb, boolean);
drop function if exists pms.run_batch(jsonb, regproc, boolean);
drop function if exists pms.insert_products(jsonb);
drop function if exists pms.update_products(jsonb);
drop function if exists pms.product_json(pms.products);
