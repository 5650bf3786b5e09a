/// Shared-memory metrics and their Prometheus text.
#include "fcgi/metrics.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <new>
#include <system_error>

namespace pms::api {

namespace {

size_t bucket_slot(std::chrono::microseconds duration) {
    const double seconds = static_cast<double>(duration.count()) / 1e6;
    const auto it = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
    return static_cast<size_t>(it - kLatencyBuckets.begin());  // the last slot is +Inf
}

std::string label_value(std::string_view text) {
    std::string escaped;
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            escaped.push_back('\\');
        }
        escaped.push_back(c);
    }
    return escaped;
}

std::string number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

}  // namespace

Metrics Metrics::create_shared() {
    void* memory =
        mmap(nullptr, sizeof(Region), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) {
        throw std::system_error(errno, std::generic_category(), "mmap of the metrics");
    }
    // Anonymous mappings start zeroed: every counter begins at 0.
    return Metrics(new (memory) Region());
}

Metrics::Metrics(Metrics&& other) noexcept : region_(other.region_) {
    other.region_ = nullptr;
}

Metrics::~Metrics() {
    if (region_ != nullptr) {
        munmap(region_, sizeof(Region));
    }
}

void Metrics::record(size_t route, int status, std::chrono::microseconds duration,
                     std::string_view cache) {
    RouteCounters& counters = region_->routes[std::min(route, kMaxRoutes - 1)];
    counters.by_status[http_status_index(status)].fetch_add(1, std::memory_order_relaxed);
    counters.by_bucket[bucket_slot(duration)].fetch_add(1, std::memory_order_relaxed);
    counters.duration_microseconds.fetch_add(static_cast<uint64_t>(duration.count()),
                                             std::memory_order_relaxed);
    if (cache == "HIT") {
        region_->cache_hits.fetch_add(1, std::memory_order_relaxed);
    } else if (cache == "MISS") {
        region_->cache_misses.fetch_add(1, std::memory_order_relaxed);
    }
}

void Metrics::record_near_copies(size_t count) {
    region_->near_copies.fetch_add(count, std::memory_order_relaxed);
}

void Metrics::child_ready() {
    region_->children_ready.fetch_add(1, std::memory_order_release);
}

uint64_t Metrics::children_ready() const {
    return region_->children_ready.load(std::memory_order_acquire);
}

std::string Metrics::prometheus_text(const std::string_view* route_names,
                                     size_t route_count) const {
    std::string out;
    out += "# HELP pms_api_requests_total Requests answered by pms-api, by route and status.\n";
    out += "# TYPE pms_api_requests_total counter\n";
    for (size_t r = 0; r < route_count; ++r) {
        const std::string route = label_value(route_names[r]);
        const RouteCounters& counters = region_->routes[r];
        for (size_t s = 0; s <= kHttpStatuses.size(); ++s) {
            const uint64_t count = counters.by_status[s].load(std::memory_order_relaxed);
            if (count == 0) {
                continue;
            }
            const std::string status =
                s < kHttpStatuses.size() ? std::to_string(kHttpStatuses[s].status) : "other";
            out += "pms_api_requests_total{route=\"" + route + "\",status=\"" + status + "\"} " +
                   std::to_string(count) + "\n";
        }
    }
    out +=
        "# HELP pms_api_request_duration_seconds Time from the request's arrival at pms-api to "
        "its response, by route.\n";
    out += "# TYPE pms_api_request_duration_seconds histogram\n";
    for (size_t r = 0; r < route_count; ++r) {
        const std::string route = label_value(route_names[r]);
        const RouteCounters& counters = region_->routes[r];
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
            cumulative += counters.by_bucket[b].load(std::memory_order_relaxed);
            const std::string le = b < kLatencyBuckets.size() ? number(kLatencyBuckets[b]) : "+Inf";
            out += "pms_api_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le +
                   "\"} " + std::to_string(cumulative) + "\n";
        }
        const double sum =
            static_cast<double>(counters.duration_microseconds.load(std::memory_order_relaxed)) /
            1e6;
        char formatted[32];
        std::snprintf(formatted, sizeof formatted, "%.6f", sum);
        out += "pms_api_request_duration_seconds_sum{route=\"" + route + "\"} " + formatted + "\n";
        out += "pms_api_request_duration_seconds_count{route=\"" + route + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    out +=
        "# HELP pms_api_cache_requests_total Reads of a product or of a seller's page answered "
        "from Redis (hit) or from "
        "PostgreSQL (miss).\n";
    out += "# TYPE pms_api_cache_requests_total counter\n";
    out += "pms_api_cache_requests_total{result=\"hit\"} " +
           std::to_string(region_->cache_hits.load(std::memory_order_relaxed)) + "\n";
    out += "pms_api_cache_requests_total{result=\"miss\"} " +
           std::to_string(region_->cache_misses.load(std::memory_order_relaxed)) + "\n";
    out +=
        "# HELP pms_api_near_cache_copies_total Products a child took from its near cache "
        "instead of reading them from Redis.\n";
    out += "# TYPE pms_api_near_cache_copies_total counter\n";
    out += "pms_api_near_cache_copies_total " +
           std::to_string(region_->near_copies.load(std::memory_order_relaxed)) + "\n";
    return out;
}

}  // namespace pms::api
