#pragma once
/// Cache invalidations to Redis (common/product_cache_layout.hpp): raise each product's version
/// floor and drop its cached copy, all in one pipeline.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/redis.hpp"
#include "worker/bridge/outbox_payload.hpp"

namespace pms::bridge {

class CacheInvalidator {
public:
    CacheInvalidator(redis::Endpoint endpoint, std::chrono::milliseconds timeout,
                     std::chrono::seconds floor_ttl);

    bool connected() const { return connection_ != nullptr; }
    /// Connects now (at start-up, to report Redis's state early). Throws redis::Error.
    void connect();

    /// Invalidates every product given once, at the highest version given for it, connecting
    /// first if needed. Throws redis::Error when Redis is unreachable (then disconnected) and
    /// std::runtime_error when it refuses a command; either way nothing counts as done.
    void invalidate(const std::vector<Invalidation>& events);

private:
    redis::Endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    std::chrono::seconds floor_ttl_;
    std::unique_ptr<redis::Connection> connection_;
};

}  // namespace pms::bridge
