/// Delivery counters and the judgement of the bridge's periodic status.
#include "worker/bridge/delivery_stats.hpp"

#include <cstdio>

namespace pms::bridge {

namespace {

TopicBacklog topic_backlog(const Json::Value& backlog, const char* topic) {
    TopicBacklog result;
    for (const Json::Value& entry : backlog["topics"]) {
        if (entry["topic"].asString() != topic) {
            continue;
        }
        if (entry["rows"].isNumeric()) {
            result.rows = entry["rows"].asInt64();
        }
        if (entry["oldest_age_s"].isNumeric()) {
            result.oldest_age_s = entry["oldest_age_s"].asDouble();
        }
    }
    return result;
}

/// Rows have waited a whole interval while none of the topic was delivered.
bool stalled(const TopicBacklog& topic, uint64_t delivered, double seconds) {
    return topic.rows > 0 && delivered == 0 && topic.oldest_age_s > seconds;
}

}  // namespace

Interval DeliveryStats::close(Clock::time_point now) {
    Interval interval;
    interval.published = published_ - published_before_;
    interval.invalidated = invalidated_ - invalidated_before_;
    interval.seconds = std::chrono::duration<double>(now - since_).count();
    published_before_ = published_;
    invalidated_before_ = invalidated_;
    since_ = now;
    return interval;
}

Backlog parse_backlog(const Json::Value& backlog) {
    Backlog result;
    if (backlog.isObject() && backlog["topics"].isArray()) {
        result.images = topic_backlog(backlog, "image.process");
        result.invalidations = topic_backlog(backlog, "cache.invalidate");
    }
    return result;
}

log::Level status_level(const Interval& interval, const Backlog& backlog) {
    if (stalled(backlog.images, interval.published, interval.seconds) ||
        stalled(backlog.invalidations, interval.invalidated, interval.seconds)) {
        return log::Level::kWarn;
    }
    if (interval.published != 0 || interval.invalidated != 0 || backlog.images.rows != 0 ||
        backlog.invalidations.rows != 0) {
        return log::Level::kInfo;
    }
    return log::Level::kDebug;
}

std::string systemd_status(const Interval& interval, const Backlog& backlog) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "published %.1f/s; waiting: %lld image.process (oldest %.1f s), %lld "
                  "cache.invalidate (oldest %.1f s)",
                  interval.published_per_s(), static_cast<long long>(backlog.images.rows),
                  backlog.images.oldest_age_s, static_cast<long long>(backlog.invalidations.rows),
                  backlog.invalidations.oldest_age_s);
    return text;
}

}  // namespace pms::bridge
