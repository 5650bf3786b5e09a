#pragma once
/// How the worker waits for a lost RabbitMQ or PostgreSQL: the schedule of its reconnect tries
/// (common/backoff.hpp) and the wait between them, which a stop request cuts short.

#include <atomic>
#include <chrono>
#include <functional>

#include "common/backoff.hpp"

namespace pms::worker {

/// The delays between reconnect tries to RabbitMQ or PostgreSQL: 0.5 s doubling up to 10 s, so
/// a restarted service is found again quickly.
Backoff reconnect_backoff();

/// Sleeps `duration` in short slices, calling `each_slice` (if any) after each; returns false as
/// soon as `stop` is set (the worker is stopping), true when the time is up.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop,
                          const std::function<void()>& each_slice = {});

}  // namespace pms::worker
