/// Exponential backoff arithmetic.
#include "worker/bridge/backoff.hpp"

#include <algorithm>

namespace pms::bridge {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, double jitter,
                 uint32_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      random_(seed) {}

std::chrono::milliseconds Backoff::next() {
    // Doubling stops at the cap, so the count of failures can grow without overflow.
    std::chrono::milliseconds delay = initial_;
    for (unsigned i = 0; i < failures_ && delay < max_; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, max_);
    ++failures_;
    if (jitter_ > 0.0) {
        std::uniform_real_distribution<double> fraction(0.0, jitter_);
        const auto cut = static_cast<std::chrono::milliseconds::rep>(
            static_cast<double>(delay.count()) * fraction(random_));
        delay -= std::chrono::milliseconds(cut);
    }
    return std::max(delay, std::chrono::milliseconds(1));
}

}  // namespace pms::bridge
