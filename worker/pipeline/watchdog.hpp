#pragma once
/// systemd's watchdog from a loop that wakes often: tick() sends WATCHDOG=1 once per interval
/// (pms::systemd::watchdog_interval(), zero when the service has no WatchdogSec=).

#include <chrono>

namespace pms::worker {

class Watchdog {
public:
    explicit Watchdog(std::chrono::microseconds interval);
    /// Pings when the interval has passed since the last ping; cheap otherwise.
    void tick();
    /// How long a loop may wait before its next tick(): `wait`, or less when a ping is due
    /// sooner.
    std::chrono::milliseconds bound(std::chrono::milliseconds wait) const;

private:
    std::chrono::microseconds interval_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pms::worker
