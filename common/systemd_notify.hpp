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

}  // namespace pms::systemd
