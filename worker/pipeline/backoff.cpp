/// The worker's delays: retries through the delay queue and reconnects.
#include "worker/pipeline/backoff.hpp"

#include <algorithm>
#include <thread>

#include "common/backoff.hpp"

namespace pms::worker {

namespace {
constexpr std::chrono::milliseconds kMaxRetryDelay = std::chrono::hours(1);
constexpr std::chrono::milliseconds kFirstReconnectDelay{500};
constexpr std::chrono::milliseconds kMaxReconnectDelay = std::chrono::seconds(10);
/// The stop flag is checked at least this often while sleeping.
constexpr std::chrono::milliseconds kSleepSlice{200};
}  // namespace

std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base) {
    return exponential_delay(base, 4, kMaxRetryDelay, static_cast<unsigned>(std::max(attempt, 1)));
}

std::chrono::milliseconds reconnect_delay(int failures) {
    return exponential_delay(kFirstReconnectDelay, 2, kMaxReconnectDelay,
                             static_cast<unsigned>(std::max(failures, 1)));
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
