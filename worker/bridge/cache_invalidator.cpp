/// cache.invalidate events applied to Redis: version floors raised, cached copies deleted.
#include "worker/bridge/cache_invalidator.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/product_cache_layout.hpp"

namespace pms::bridge {

RedisCacheInvalidator::RedisCacheInvalidator(redis::Endpoint endpoint,
                                             std::chrono::milliseconds timeout,
                                             std::chrono::seconds floor_ttl)
    : endpoint_(std::move(endpoint)), timeout_(timeout), floor_ttl_(floor_ttl) {}

void RedisCacheInvalidator::connect() {
    connection_.reset();
    connection_ = std::make_unique<redis::Connection>(endpoint_, timeout_);
}

void RedisCacheInvalidator::invalidate(const std::vector<Invalidation>& events) {
    // One invalidation per product, at the newest version of the batch.
    std::map<int64_t, int64_t> newest;
    for (const Invalidation& event : events) {
        int64_t& version = newest[event.product_id];
        version = std::max(version, event.version);
    }
    if (newest.empty()) {
        return;
    }
    if (!connection_) {
        throw redis::Error("not connected to Redis");
    }
    try {
        for (const auto& [product, version] : newest) {
            cache::append_invalidation(*connection_, std::to_string(product),
                                       std::to_string(version), floor_ttl_);
        }
        // Read every reply even after an error reply, so the connection stays in step.
        std::string refused;
        for (size_t i = 0; i < newest.size() * cache::kInvalidationReplies; ++i) {
            redis::Reply reply = connection_->read_reply();
            if (reply.is_error() && refused.empty()) {
                refused = "redis refused a cache invalidation: " + std::string(reply.text());
            }
        }
        if (!refused.empty()) {
            throw std::runtime_error(refused);
        }
    } catch (const redis::Error&) {
        connection_.reset();
        throw;
    }
}

}  // namespace pms::bridge
