/// The worker's reconnect schedule and its wait.
#include "worker/pipeline/reconnect.hpp"

#include <algorithm>
#include <thread>

namespace pms::worker {

namespace {
constexpr std::chrono::milliseconds kFirstReconnectDelay{500};
constexpr std::chrono::milliseconds kMaxReconnectDelay = std::chrono::seconds(10);
/// The stop flag is checked at least this often while sleeping.
constexpr std::chrono::milliseconds kSleepSlice{200};
}  // namespace

Backoff reconnect_backoff() {
    return Backoff(kFirstReconnectDelay, kMaxReconnectDelay);
}

bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop,
                          const std::function<void()>& each_slice) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (!stop.load()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(deadline - now, kSleepSlice));
        if (each_slice) {
            each_slice();
        }
    }
    return false;
}

}  // namespace pms::worker
