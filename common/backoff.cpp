/// Exponential backoff arithmetic.
#include "common/backoff.hpp"

#include <algorithm>

namespace pms {

std::chrono::milliseconds exponential_delay(std::chrono::milliseconds initial, unsigned factor,
                                            std::chrono::milliseconds cap, unsigned attempt) {
    std::chrono::milliseconds delay = std::max(initial, std::chrono::milliseconds(1));
    // Multiplying stops at the cap, so the attempt count can grow without overflow.
    for (unsigned i = 1; i < attempt && delay < cap; ++i) {
        delay *= factor;
    }
    return std::max(std::min(delay, cap), std::chrono::milliseconds(1));
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, double jitter,
                 uint32_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      random_(seed) {}

std::chrono::milliseconds Backoff::next() {
    std::chrono::milliseconds delay = exponential_delay(initial_, 2, max_, ++failures_);
    if (jitter_ > 0.0) {
        std::uniform_real_distribution<double> fraction(0.0, jitter_);
        const auto cut = static_cast<std::chrono::milliseconds::rep>(
            static_cast<double>(delay.count()) * fraction(random_));
        delay -= std::chrono::milliseconds(cut);
    }
    return std::max(delay, std::chrono::milliseconds(1));
}

}  // namespace pms
