/// Exponential backoff with caps.
#include "worker/pipeline/backoff.hpp"

#include <algorithm>

namespace pms::worker {

namespace {
constexpr std::chrono::milliseconds kMaxRetryDelay = std::chrono::hours(1);
constexpr std::chrono::milliseconds kFirstReconnectDelay{500};
constexpr std::chrono::milliseconds kMaxReconnectDelay = std::chrono::seconds(10);
}  // namespace

std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base) {
    std::chrono::milliseconds delay = std::max(base, std::chrono::milliseconds(1));
    // Multiply step by step so that a large attempt count cannot overflow.
    for (int i = 1; i < attempt && delay < kMaxRetryDelay; ++i) {
        delay *= 4;
    }
    return std::min(delay, kMaxRetryDelay);
}

std::chrono::milliseconds reconnect_delay(int failures) {
    std::chrono::milliseconds delay = kFirstReconnectDelay;
    for (int i = 1; i < failures && delay < kMaxReconnectDelay; ++i) {
        delay *= 2;
    }
    return std::min(delay, kMaxReconnectDelay);
}

}  // namespace pms::worker
