/// Keys and the invalidation pipeline of the product cache.
#include "common/product_cache_layout.hpp"

namespace pms::cache {

std::string product_key(std::string_view id) {
    std::string key = "pms:product:";
    key += id;
    return key;
}

std::string floor_key(std::string_view id) {
    std::string key = "pms:product-floor:";
    key += id;
    return key;
}

void append_invalidation(redis::Connection& redis, std::string_view id, std::string_view version,
                         std::chrono::seconds floor_ttl) {
    const std::string floor = floor_key(id);
    redis.append({"ZADD", floor, "GT", version, kFloorMember});
    redis.append({"EXPIRE", floor, std::to_string(floor_ttl.count())});
    redis.append({"DEL", product_key(id)});
}

}  // namespace pms::cache
