/// Redis cache-aside for single products.
#include "fcgi/product_cache.hpp"

#include "common/log.hpp"

namespace pms::api {

namespace {
// Redis is on the request path: a cache that answers slower than this is treated as down.
constexpr std::chrono::milliseconds kTimeout{200};
constexpr std::chrono::seconds kRetryInterval{1};
}  // namespace

ProductCache::ProductCache(redis::Endpoint endpoint, std::chrono::seconds ttl)
    : endpoint_(std::move(endpoint)), ttl_(std::to_string(ttl.count())) {}

std::string ProductCache::key(std::string_view id) {
    std::string key = "pms:product:";
    key += id;
    return key;
}

redis::Connection* ProductCache::connection() {
    if (connection_) {
        return connection_.get();
    }
    if (std::chrono::steady_clock::now() < retry_at_) {
        return nullptr;
    }
    try {
        connection_ = std::make_unique<redis::Connection>(endpoint_, kTimeout);
        if (reported_down_) {
            log::info("redis reachable again");
            reported_down_ = false;
        }
        return connection_.get();
    } catch (const redis::Error& error) {
        on_failure(error);
        return nullptr;
    }
}

void ProductCache::on_failure(const redis::Error& error) {
    connection_.reset();
    retry_at_ = std::chrono::steady_clock::now() + kRetryInterval;
    if (!reported_down_) {
        log::warn("redis unavailable, serving from postgresql", {{"error", error.what()}});
        reported_down_ = true;
    }
}

std::optional<std::string> ProductCache::get(std::string_view id) {
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return std::nullopt;
    }
    try {
        redis::Reply reply = redis->command({"GET", key(id)});
        if (reply.is_string()) {
            return std::string(reply.text());
        }
    } catch (const redis::Error& error) {
        on_failure(error);
    }
    return std::nullopt;
}

void ProductCache::put(std::string_view id, const std::string& json) {
    if (redis::Connection* redis = connection()) {
        try {
            redis->command({"SET", key(id), json, "EX", ttl_});
        } catch (const redis::Error& error) {
            on_failure(error);
        }
    }
}

void ProductCache::invalidate(std::string_view id) {
    if (redis::Connection* redis = connection()) {
        try {
            redis->command({"DEL", key(id)});
        } catch (const redis::Error& error) {
            on_failure(error);
        }
    }
}

std::optional<std::chrono::microseconds> ProductCache::ping() {
    const auto start = std::chrono::steady_clock::now();
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return std::nullopt;
    }
    try {
        if (!redis->command({"PING"}).is_string()) {
            return std::nullopt;
        }
    } catch (const redis::Error& error) {
        on_failure(error);
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace pms::api
