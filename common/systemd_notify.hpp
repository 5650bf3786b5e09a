#pragma once
/// The service manager's notification protocol (sd_notify): readiness, reloading, stopping and
/// watchdog pings, written straight to $NOTIFY_SOCKET so that no library is needed for it.

#include <chrono>
#include <string_view>

namespace pms::systemd {

/// Sends `state` (e.g. "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=...") when the process
/// runs under systemd with Type=notify; does nothing otherwise. Never throws.
void notify(std::string_view state);

/// How often systemd wants WATCHDOG=1 (half its WatchdogSec=, as sd_watchdog_enabled advises),
/// or zero when no watchdog is set for this process.
std::chrono::microseconds watchdog_interval();

/// WATCHDOG=1 at most once per interval, for a loop (Type=notify with WatchdogSec=: systemd
/// restarts a process whose pings stop).
class Watchdog {
public:
    /// Zero turns it off: not under systemd, or no WatchdogSec=.
    explicit Watchdog(std::chrono::microseconds interval = watchdog_interval());

    /// Sends WATCHDOG=1 when the interval passed since the last one. Cheap: call it from every
    /// turn of a loop and from inside every wait that may be long.
    void ping_if_due();
    /// When the next ping is due (the far future when off): a loop's waits must end by then.
    std::chrono::steady_clock::time_point due() const;
    /// `wait`, or less when the next ping is due sooner (at least 1 ms).
    std::chrono::milliseconds bound(std::chrono::milliseconds wait) const;

private:
    std::chrono::microseconds interval_;
    std::chrono::steady_clock::time_point next_{};
};

}  // namespace pms::systemd
