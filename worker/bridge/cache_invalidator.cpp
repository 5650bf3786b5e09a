/// Redis DELs for cache.invalidate events.
#include "worker/bridge/cache_invalidator.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "worker/bridge/outbox_payload.hpp"

namespace pms::bridge {

CacheInvalidator::CacheInvalidator(redis::Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {}

void CacheInvalidator::connect() {
    connection_.reset();
    connection_ = std::make_unique<redis::Connection>(endpoint_, timeout_);
}

void CacheInvalidator::invalidate(const std::vector<int64_t>& product_ids) {
    std::vector<int64_t> ids = product_ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.empty()) {
        return;
    }
    if (!connection_) {
        connect();
    }
    try {
        std::vector<std::string> keys;
        keys.reserve(ids.size());
        for (const int64_t id : ids) {
            keys.push_back(product_cache_key(id));
            connection_->append({"DEL", keys.back()});  // hiredis copies the arguments
        }
        // Read every reply even after an error reply, so the connection stays in step.
        std::string refused;
        for (size_t i = 0; i < keys.size(); ++i) {
            redis::Reply reply = connection_->read_reply();
            if (reply.is_error() && refused.empty()) {
                refused = "redis refused DEL " + keys[i] + ": " + std::string(reply.text());
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
