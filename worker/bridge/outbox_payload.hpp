#pragma once
/// What the bridge makes of outbox payloads: the RabbitMQ message of an image job (message
/// contract in DESIGN.md) and the Redis key of a cache invalidation.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/amqp.hpp"

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

/// The product of a `cache.invalidate` payload `{"product_id":N,"version":V}`, or nothing
/// when the payload names no product.
std::optional<int64_t> invalidated_product(std::string_view payload);

/// The Redis key pms-api caches a product under.
std::string product_cache_key(int64_t product_id);

}  // namespace pms::bridge
