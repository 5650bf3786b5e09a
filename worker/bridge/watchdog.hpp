#pragma once
/// systemd's watchdog for a loop: WATCHDOG=1 each time the interval systemd asked for has passed
/// (Type=notify with WatchdogSec=; systemd restarts a process whose pings stop).

#include <chrono>

namespace pms::bridge {

class Watchdog {
public:
    /// Zero turns it off: not under systemd, or no WatchdogSec= (systemd::watchdog_interval()).
    explicit Watchdog(std::chrono::microseconds interval);

    /// Sends WATCHDOG=1 when the interval passed since the last one. Cheap: call it from every
    /// turn of a loop and from inside every wait that may be long.
    void ping_if_due();
    /// When the next ping is due (the far future when off): a loop's waits must end by then.
    std::chrono::steady_clock::time_point due() const;

private:
    std::chrono::microseconds interval_;
    std::chrono::steady_clock::time_point next_{};
};

}  // namespace pms::bridge
