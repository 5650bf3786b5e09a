#pragma once
/// Cache invalidations to Redis: DEL the cached products, all in one pipeline.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/redis.hpp"

namespace pms::bridge {

class CacheInvalidator {
public:
    CacheInvalidator(redis::Endpoint endpoint, std::chrono::milliseconds timeout);

    bool connected() const { return connection_ != nullptr; }
    /// Connects now (at start-up, to report Redis's state early). Throws redis::Error.
    void connect();

    /// Deletes the cached entry of every product given (duplicates are sent once), connecting
    /// first if needed. Throws redis::Error when Redis is unreachable (then disconnected) and
    /// std::runtime_error when it refuses a command; either way nothing counts as done.
    void invalidate(const std::vector<int64_t>& product_ids);

private:
    redis::Endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<redis::Connection> connection_;
};

}  // namespace pms::bridge
