/// The worker's delays: retries through the delay queue and reconnects.
#include "worker/pipeline/backoff.hpp"

#include <algorithm>

#include "common/backoff.hpp"

namespace pms::worker {

namespace {
constexpr std::chrono::milliseconds kMaxRetryDelay = std::chrono::hours(1);
constexpr std::chrono::milliseconds kFirstReconnectDelay{500};
constexpr std::chrono::milliseconds kMaxReconnectDelay = std::chrono::seconds(10);
}  // namespace

std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base) {
    return exponential_delay(base, 4, kMaxRetryDelay, static_cast<unsigned>(std::max(attempt, 1)));
}

std::chrono::milliseconds reconnect_delay(int failures) {
    return exponential_delay(kFirstReconnectDelay, 2, kMaxReconnectDelay,
                             static_cast<unsigned>(std::max(failures, 1)));
}

}  // namespace pms::worker
