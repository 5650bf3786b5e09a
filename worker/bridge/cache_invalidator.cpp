/// cache.invalidate events applied to Redis: version floors raised, cached copies deleted.
#include "worker/bridge/cache_invalidator.hpp"

#include <algorithm>
#include <map>
#include <set>
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
    // One invalidation per product, at the newest version of the batch, and one per seller.
    std::map<int64_t, int64_t> newest;
    std::set<int64_t> sellers;
    for (const Invalidation& event : events) {
        if (event.product_id != 0) {
            int64_t& version = newest[event.product_id];
            version = std::max(version, event.version);
        }
        sellers.insert(event.user_ids.begin(), event.user_ids.end());
    }
    if (newest.empty() && sellers.empty()) {
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
        for (const int64_t seller : sellers) {
            cache::append_list_invalidation(*connection_, std::to_string(seller));
        }
        // Read every reply even after an error reply, so the connection stays in step.
        std::string refused;
        const size_t replies = newest.size() * cache::kInvalidationReplies +
                               sellers.size() * cache::kListInvalidationReplies;
        for (size_t i = 0; i < replies; ++i) {
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
