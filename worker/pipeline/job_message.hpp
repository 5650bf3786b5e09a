#pragma once
/// The image job message (docs/architecture.md, "Messages"): parsing its body, reading its
/// attempt counter, and the copy that goes to the delay queue for a retry.

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "worker/amqp/amqp.hpp"

namespace pms::worker {

/// Integer header counting delivery attempts; absent on the bridge's first publish (attempt 1).
inline constexpr std::string_view kAttemptHeader = "x-pms-attempt";

/// The body of an image job message. Only job_id is required: the database is the authority on
/// the rest (api.start_image_job returns the current product, position and source URL).
struct JobMessage {
    int64_t job_id = 0;
    int64_t product_id = 0;  ///< 0 when absent
    int position = -1;       ///< -1 when absent
    std::string source_url;
    std::string request_id;  ///< "" when absent or null
    std::string enqueued_at;
};

/// The body is not JSON, not an object, or has no positive integer job_id.
struct MalformedMessage : std::runtime_error {
    using std::runtime_error::runtime_error;
};

JobMessage parse_job_message(std::string_view body);

/// The delivery attempt a message stands for (its x-pms-attempt header, at least 1).
int attempt_of(const amqp::Message& message);

/// The copy of `original` published to the delay queue: same body and message_id, persistent,
/// x-pms-attempt = `next_attempt`, expiring (and so returning to the work queue) after `delay`.
amqp::Message retry_copy(const amqp::Message& original, int next_attempt,
                         std::chrono::milliseconds delay);

}  // namespace pms::worker
