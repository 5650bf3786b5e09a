#pragma once
/// What the bridge delivered and what still waits: the counters behind its periodic status (a log
/// line, the report into the database, systemd's STATUS=), and how that status is judged.

#include <json/value.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "common/log.hpp"

namespace pms::bridge {

/// One reporting interval's deliveries.
struct Interval {
    uint64_t published = 0;    ///< image.process messages confirmed by the broker
    uint64_t invalidated = 0;  ///< cache.invalidate rows delivered to Redis
    double seconds = 0;
    double published_per_s() const { return seconds > 0 ? published / seconds : 0; }
};

/// Counters since start-up, cut into intervals.
class DeliveryStats {
public:
    using Clock = std::chrono::steady_clock;
    explicit DeliveryStats(Clock::time_point start) : since_(start) {}

    void add_published(uint64_t count) { published_ += count; }
    void add_invalidated(uint64_t count) { invalidated_ += count; }
    uint64_t published() const { return published_; }
    uint64_t invalidated() const { return invalidated_; }
    Clock::time_point since() const { return since_; }

    /// Ends the current interval at `now`, returns it, and starts the next one.
    Interval close(Clock::time_point now);

private:
    uint64_t published_ = 0;
    uint64_t invalidated_ = 0;
    uint64_t published_before_ = 0;
    uint64_t invalidated_before_ = 0;
    Clock::time_point since_;
};

/// What waits in the outbox for one topic.
struct TopicBacklog {
    int64_t rows = 0;
    double oldest_age_s = 0;  ///< 0 when no row waits
};

/// Both topics of api.outbox_backlog(); topics it does not list count as empty.
struct Backlog {
    TopicBacklog images;
    TopicBacklog invalidations;
};
Backlog parse_backlog(const Json::Value& backlog);

/// warn when rows have waited longer than the interval and none of that topic went out in it
/// (the outbox is not draining: a dependency is down, or messages are refused); info when
/// something was delivered or waits; debug when all is quiet.
log::Level status_level(const Interval& interval, const Backlog& backlog);

/// The one-line STATUS= text systemctl status shows.
std::string systemd_status(const Interval& interval, const Backlog& backlog);

}  // namespace pms::bridge
