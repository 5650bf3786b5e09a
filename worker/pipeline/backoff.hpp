#pragma once
/// Delays between tries: of a job through the delay queue, and of a lost connection.

#include <chrono>

namespace pms::worker {

/// How long a job waits in the delay queue after failing delivery attempt `attempt` (1-based):
/// base × 4^(attempt−1) (2 s, 8 s, 32 s, ...), capped at one hour.
std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base);

/// How long to wait before reconnect try `failures` (1-based) to RabbitMQ or PostgreSQL:
/// 0.5 s doubling up to 10 s, so a restarted service is found again quickly.
std::chrono::milliseconds reconnect_delay(int failures);

}  // namespace pms::worker
