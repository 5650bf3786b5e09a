#pragma once
/// Cache-aside for GET /products/{id} in Redis. Redis is optional at run time: every failure
/// degrades to a miss, and the child reconnects on its own, at most once a second.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/redis.hpp"

namespace pms::api {

class ProductCache {
public:
    ProductCache(redis::Endpoint endpoint, std::chrono::seconds ttl);

    /// The cached JSON of product `id`, or nothing on a miss or while Redis is down.
    std::optional<std::string> get(std::string_view id);
    void put(std::string_view id, const std::string& json);
    void invalidate(std::string_view id);

    /// A round trip to Redis; nothing when it is down.
    std::optional<std::chrono::microseconds> ping();

private:
    redis::Connection* connection();
    void on_failure(const redis::Error& error);
    static std::string key(std::string_view id);

    redis::Endpoint endpoint_;
    std::string ttl_;
    std::unique_ptr<redis::Connection> connection_;
    std::chrono::steady_clock::time_point retry_at_{};
    bool reported_down_ = false;
};

}  // namespace pms::api
