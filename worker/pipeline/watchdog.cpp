/// Rate-limited WATCHDOG=1.
#include "worker/pipeline/watchdog.hpp"

#include <algorithm>

#include "common/systemd_notify.hpp"

namespace pms::worker {

Watchdog::Watchdog(std::chrono::microseconds interval)
    : interval_(interval), last_(std::chrono::steady_clock::now()) {}

void Watchdog::tick() {
    if (interval_.count() == 0) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ >= interval_) {
        last_ = now;
        systemd::notify("WATCHDOG=1");
    }
}

std::chrono::milliseconds Watchdog::bound(std::chrono::milliseconds wait) const {
    if (interval_.count() == 0) {
        return wait;
    }
    const auto due = last_ + interval_ - std::chrono::steady_clock::now();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due);
    return std::clamp(left, std::chrono::milliseconds(1), wait);
}

}  // namespace pms::worker
