#pragma once
/// Request counters, latency histograms and cache results in memory shared by the master and
/// every child: /metrics reports the whole pms-api whichever child answers, and a replaced child
/// loses nothing. The master maps the memory before it forks; children update it with atomics.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fcgi/http_status.hpp"

namespace pms::api {

/// Upper bounds of the latency buckets, in seconds (Prometheus `le`), before +Inf.
inline constexpr std::array<double, 12> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
/// Routes of the route table plus one slot for requests that matched none.
inline constexpr size_t kMaxRoutes = 16;

class Metrics {
public:
    /// Maps the shared memory; call in the master before forking. Throws std::system_error.
    static Metrics create_shared();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;
    Metrics(Metrics&& other) noexcept;
    Metrics& operator=(Metrics&&) = delete;
    ~Metrics();

    /// One answered request: `route` is its index in the route table (route_count() for none).
    void record(size_t route, int status, std::chrono::microseconds duration,
                std::string_view cache);
    /// Products a batch took from the child's near cache instead of reading them from Redis.
    void record_near_copies(size_t count);
    /// A child entered its request loop (readiness, see the master).
    void child_ready();
    uint64_t children_ready() const;

    /// The Prometheus text exposition, with `route_names[i]` labelling route i.
    std::string prometheus_text(const std::string_view* route_names, size_t route_count) const;

private:
    struct RouteCounters {
        /// One per status of kHttpStatuses, then one for any other status.
        std::array<std::atomic<uint64_t>, kHttpStatuses.size() + 1> by_status;
        std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> by_bucket;
        std::atomic<uint64_t> duration_microseconds;
    };
    struct Region {
        std::array<RouteCounters, kMaxRoutes> routes;
        std::atomic<uint64_t> cache_hits;
        std::atomic<uint64_t> cache_misses;
        std::atomic<uint64_t> near_copies;
        std::atomic<uint64_t> children_ready;
    };
    static_assert(std::atomic<uint64_t>::is_always_lock_free,
                  "shared between processes, so it must not hide a lock");

    explicit Metrics(Region* region) : region_(region) {}
    Region* region_;
};

}  // namespace pms::api
