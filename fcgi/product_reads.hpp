#pragma once
/// The products a batch's GETs need from PostgreSQL (cache misses and Cache-Control: no-cache),
/// read with one call and stored in the cache with one fill, instead of a call and a fill each:
/// under load the round trips, not the lookups, were most of an uncached GET's cost.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fcgi/database.hpp"
#include "fcgi/product_cache.hpp"

namespace pms::api {

class ProductReads {
public:
    /// Reads the products `ids` names (each a valid product id; repeats allowed) and offers the
    /// copies to `cache`. Throws ApiError like the Database calls; nothing is kept then.
    void fetch(Database& database, ProductCache& cache, const std::vector<std::string>& ids);

    /// What fetch() read of `id`; nullptr when it did not find it (or was not asked).
    const CallResult* find(std::string_view id) const;

    /// Forgets what fetch() read: nothing outlives its batch.
    void clear();

private:
    std::unordered_map<std::string, CallResult> found_;
};

}  // namespace pms::api
