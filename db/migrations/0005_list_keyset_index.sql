-- 0005_list_keyset_index: the keyset index of a user's products carries the price.

-- api.list_products finds a page's ids with an index-only scan of this index, filtering on price
-- inside it; the old (user_id, id desc) index needed the heap for the price, and the planner then
-- preferred a backward primary-key scan over other users' rows (see api.list_products).
-- CREATE INDEX without CONCURRENTLY blocks writes to pms.products while it builds (seconds per
-- million rows): on a large production table, build it CONCURRENTLY by hand first under the same
-- name, and this migration's IF NOT EXISTS then finds it.
create index if not exists products_user_id_id_price_idx on pms.products (user_id, id desc) include (price);
drop index if exists pms.products_user_id_id_idx;
alter index pms.products_user_id_id_price_idx rename to products_user_id_id_idx;
