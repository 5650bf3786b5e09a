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

private:
    std::chrono::microseconds interval_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pms::worker
