#pragma once
/// Cache invalidations to Redis (common/product_cache_layout.hpp): raise each product's version
/// floor and drop its cached copy, and drop the pages of each seller named, all in one pipeline.
/// The loop sees the interface; RedisCacheInvalidator is hiredis's.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/redis.hpp"
#include "worker/bridge/destination.hpp"
#include "worker/bridge/outbox_payload.hpp"

namespace pms::bridge {

class CacheInvalidator : public Destination {
public:
    /// Invalidates every product given once, at the highest version given for it, and the pages
    /// of every seller given. Throws
    /// redis::Error when Redis is unreachable (then disconnected) and std::runtime_error when it
    /// refuses a command; either way nothing counts as done.
    virtual void invalidate(const std::vector<Invalidation>& events) = 0;
};

class RedisCacheInvalidator final : public CacheInvalidator {
public:
    RedisCacheInvalidator(redis::Endpoint endpoint, std::chrono::milliseconds timeout,
                          std::chrono::seconds floor_ttl);

    bool connected() const override { return connection_ != nullptr; }
    /// Throws redis::Error.
    void connect() override;
    void disconnect() override { connection_.reset(); }

    void invalidate(const std::vector<Invalidation>& events) override;

private:
    redis::Endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    std::chrono::seconds floor_ttl_;
    std::unique_ptr<redis::Connection> connection_;
};

}  // namespace pms::bridge
