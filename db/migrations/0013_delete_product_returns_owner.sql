-- 0013_delete_product_returns_owner: api.delete_product returns the id of the deleted product's
-- owner, so that pms-api can delete that seller's cached pages of products after its COMMIT.
--
-- CREATE OR REPLACE cannot change a return type: the function is dropped here and db/functions
-- creates it again (with its grant) right after the migrations; between the two, deletes fail for a
-- moment.
drop function if exists api.delete_product(bigint, boolean, bigint, text);
