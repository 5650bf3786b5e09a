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

std::string list_generation_key(std::string_view user_id) {
    std::string key = "pms:list-generation:";
    key += user_id;
    return key;
}

std::string list_page_key(std::string_view user_id, std::string_view filters) {
    std::string key = "pms:list:";
    key += user_id;
    key += ':';
    key += filters;
    return key;
}

void append_list_invalidation(redis::Connection& redis, std::string_view user_id) {
    redis.append({"DEL", list_generation_key(user_id)});
}

void append_list_freeze(redis::Connection& redis, std::string_view user_id,
                        std::chrono::seconds duration) {
    redis.append({"SET", list_generation_key(user_id), kFrozenGeneration, "EX",
                  std::to_string(duration.count())});
}

}  // namespace pms::cache
