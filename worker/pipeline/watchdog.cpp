/// Rate-limited WATCHDOG=1.
#include "worker/pipeline/watchdog.hpp"

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

}  // namespace pms::worker
