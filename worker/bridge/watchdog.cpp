/// WATCHDOG=1 at most once per interval.
#include "worker/bridge/watchdog.hpp"

#include "common/systemd_notify.hpp"

namespace pms::bridge {

Watchdog::Watchdog(std::chrono::microseconds interval) : interval_(interval) {}

void Watchdog::ping_if_due() {
    if (interval_.count() <= 0) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) {
        return;
    }
    systemd::notify("WATCHDOG=1");
    next_ = now + interval_;
}

std::chrono::steady_clock::time_point Watchdog::due() const {
    return interval_.count() > 0 ? next_ : std::chrono::steady_clock::time_point::max();
}

}  // namespace pms::bridge
