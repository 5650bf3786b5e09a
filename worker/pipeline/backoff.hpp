#pragma once
/// Delays between tries: of a job through the delay queue, and of a lost connection; and the
/// wait itself, which a stop request cuts short.

#include <atomic>
#include <chrono>
#include <functional>

namespace pms::worker {

/// How long a job waits in the delay queue after failing delivery attempt `attempt` (1-based):
/// base × 4^(attempt−1) (2 s, 8 s, 32 s, ...), capped at one hour.
std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base);

/// How long to wait before reconnect try `failures` (1-based) to RabbitMQ or PostgreSQL:
/// 0.5 s doubling up to 10 s, so a restarted service is found again quickly.
std::chrono::milliseconds reconnect_delay(int failures);

/// Sleeps `duration` in short slices, calling `each_slice` (if any) after each; returns false as
/// soon as `stop` is set (the worker is stopping), true when the time is up.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop,
                          const std::function<void()>& each_slice = {});

}  // namespace pms::worker
