#pragma once
/// Exponential backoff with a cap and optional jitter, for reconnects and retries.

#include <chrono>
#include <cstdint>
#include <random>

namespace pms {

/// initial × factor^(attempt−1), capped at `cap`, for a 1-based `attempt` (0 counts as 1);
/// never below 1 ms, and a large attempt count cannot overflow.
std::chrono::milliseconds exponential_delay(std::chrono::milliseconds initial, unsigned factor,
                                            std::chrono::milliseconds cap, unsigned attempt);

/// The delays of one dependency's reconnects: doubling from `initial` up to `max`.
class Backoff {
public:
    /// `jitter` in [0, 1] shortens each delay by up to that fraction, so that several bridges
    /// that lost the same dependency at the same moment do not retry in lockstep.
    Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, double jitter = 0.0,
            uint32_t seed = std::random_device{}());

    /// The delay before the next attempt: initial, then doubled after each failure, capped.
    std::chrono::milliseconds next();
    /// Back to the initial delay (after a success).
    void reset() { failures_ = 0; }
    /// Failures since the last reset.
    unsigned failures() const { return failures_; }

private:
    std::chrono::milliseconds initial_;
    std::chrono::milliseconds max_;
    double jitter_;
    unsigned failures_ = 0;
    std::minstd_rand random_;
};

}  // namespace pms
