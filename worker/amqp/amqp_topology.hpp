#pragma once
/// The exchange, queues and bindings of the image pipeline (docs/architecture.md, "Messages"),
/// declared the same way by every program that touches them.

#include "worker/amqp/amqp.hpp"

namespace pms::amqp::topology {

inline constexpr std::string_view kExchange = "pms.images";
/// Work queue and its routing key.
inline constexpr std::string_view kProcessQueue = "pms.images.process";
inline constexpr std::string_view kProcessKey = "process";
/// Delay queue: a message waits out its expiration, then dead-letters back to the work queue.
inline constexpr std::string_view kRetryQueue = "pms.images.retry";
inline constexpr std::string_view kRetryKey = "retry";
/// Where rejected work ends: the work queue dead-letters here.
inline constexpr std::string_view kDeadQueue = "pms.images.dead";
inline constexpr std::string_view kDeadKey = "dead";

/// Declares everything idempotently. Redeclaring with other arguments (e.g. switching to
/// quorum queues) is refused by the broker: such a change needs new queues.
void declare(Connection& connection, bool quorum);

}  // namespace pms::amqp::topology
