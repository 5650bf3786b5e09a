#pragma once
/// What the bridge makes of outbox payloads: the RabbitMQ message of an image job (message
/// contract in docs/architecture.md) and what a cache invalidation names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/amqp/amqp.hpp"

namespace pms::bridge {

/// An `image.process` row as it is published.
struct ImageEvent {
    /// Body: the payload as-is; message_id: the job id; persistent; application/json.
    amqp::Message message;
    std::string job_id;      ///< "" when the payload has none (the message is still sent)
    std::string request_id;  ///< "" when the payload has none
};

/// Never throws: a payload that is not the expected object is still carried, without the
/// properties it lacks, because dropping an event is worse than delivering a strange one.
ImageEvent image_event(std::string payload);

/// A `cache.invalidate` event: the product and the version its change committed, and the sellers
/// whose pages of products changed.
struct Invalidation {
    int64_t product_id = 0;  ///< 0 when the event names no product (a new product's)
    int64_t version = 0;     ///< 0 when the payload has none (the copy is still dropped)
    std::vector<int64_t> user_ids;
};

/// The invalidation of a `cache.invalidate` payload `{"product_id":N,"version":V,"user_ids":[...]}`
/// (each member may be missing), or nothing when the payload names neither a product nor a seller.
std::optional<Invalidation> invalidation(std::string_view payload);

}  // namespace pms::bridge
