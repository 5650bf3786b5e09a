#pragma once
/// Commit-to-publish latency at a fixed event rate: writers commit image.process events at the
/// pace asked for, a reader takes them off the work queue, and each event's latency is the time
/// from its COMMIT returning to its message arriving (so it includes the delivery to a consumer:
/// an upper bound of commit-to-publish).

#include <chrono>
#include <cstdint>
#include <string>

namespace pms::bridge_bench {

struct LatencySettings {
    std::string database_url;  ///< the owner's, to write into the outbox
    std::string amqp_url;
    double events_per_s = 1000;
    int events_per_transaction = 1;
    int writers = 4;
    std::chrono::milliseconds duration{5000};
    int64_t first_job = 1;  ///< job ids of this run start here (message ids must be new)
};

struct LatencyResult {
    double achieved_events_per_s = 0;
    int64_t events = 0;
    int64_t lost = 0;  ///< committed, never arrived
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
    /// When the slowest event committed, by the wall clock: where to look in the bridges' logs.
    std::chrono::system_clock::time_point slowest_committed_at;
};

LatencyResult measure_latency(const LatencySettings& settings);

}  // namespace pms::bridge_bench
