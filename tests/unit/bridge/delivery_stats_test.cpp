/// The bridge's periodic status: counters cut into intervals, the backlog as the database
/// reports it, and when the status is worth a warning.
#include "worker/bridge/delivery_stats.hpp"

#include <gtest/gtest.h>

#include "common/json.hpp"

namespace pms::bridge {
namespace {

using std::chrono::seconds;

Json::Value parse(const char* text) {
    return *json::parse_strict(text, nullptr);
}

TEST(DeliveryStats, CutsTheCountersIntoIntervals) {
    const auto start = DeliveryStats::Clock::now();
    DeliveryStats stats(start);
    stats.add_published(30);
    stats.add_invalidated(4);
    const Interval first = stats.close(start + seconds(10));
    EXPECT_EQ(first.published, 30U);
    EXPECT_EQ(first.invalidated, 4U);
    EXPECT_DOUBLE_EQ(first.seconds, 10);
    EXPECT_DOUBLE_EQ(first.published_per_s(), 3);

    stats.add_published(5);
    const Interval second = stats.close(start + seconds(15));
    EXPECT_EQ(second.published, 5U) << "only what came since the last interval";
    EXPECT_EQ(second.invalidated, 0U);
    EXPECT_EQ(stats.published(), 35U) << "the totals go on";
    EXPECT_EQ(stats.since(), start + seconds(15));
}

TEST(DeliveryStats, AnEmptyIntervalHasNoRate) {
    EXPECT_DOUBLE_EQ(Interval{}.published_per_s(), 0);
}

TEST(DeliveryStats, ReadsTheBacklogOfBothTopics) {
    const Backlog backlog = parse_backlog(parse(
        R"({"topics": [{"topic": "image.process", "rows": 12, "oldest_age_s": 1.5},
                       {"topic": "cache.invalidate", "rows": 0, "oldest_age_s": null}],
            "bridges": []})"));
    EXPECT_EQ(backlog.images.rows, 12);
    EXPECT_DOUBLE_EQ(backlog.images.oldest_age_s, 1.5);
    EXPECT_EQ(backlog.invalidations.rows, 0);
    EXPECT_DOUBLE_EQ(backlog.invalidations.oldest_age_s, 0);
}

TEST(DeliveryStats, ABacklogItCannotReadCountsAsEmpty) {
    for (const char* text :
         {R"({})", R"({"topics": 3})", R"([])", R"({"topics": [{"rows": 4}]})"}) {
        const Backlog backlog = parse_backlog(parse(text));
        EXPECT_EQ(backlog.images.rows, 0) << text;
        EXPECT_EQ(backlog.invalidations.rows, 0) << text;
    }
}

TEST(DeliveryStats, WarnsWhenRowsWaitAndNothingGoesOut) {
    Interval quiet;
    quiet.seconds = 60;
    Backlog stuck;
    stuck.images = {500, 90.0};  // waiting longer than the interval, none published
    EXPECT_EQ(status_level(quiet, stuck), log::Level::kWarn);

    Interval busy = quiet;
    busy.published = 10;
    EXPECT_EQ(status_level(busy, stuck), log::Level::kInfo) << "it drains, slowly";

    Backlog fresh;
    fresh.images = {5, 2.0};  // just written
    EXPECT_EQ(status_level(quiet, fresh), log::Level::kInfo);

    Backlog invalidations_stuck;
    invalidations_stuck.invalidations = {3, 120.0};  // Redis down, say
    EXPECT_EQ(status_level(busy, invalidations_stuck), log::Level::kWarn)
        << "each topic on its own: images flowing do not hide invalidations stuck";
}

TEST(DeliveryStats, QuietWhenNothingHappens) {
    Interval quiet;
    quiet.seconds = 60;
    EXPECT_EQ(status_level(quiet, Backlog{}), log::Level::kDebug);
}

TEST(DeliveryStats, SystemdStatusSaysRateAndBacklog) {
    Interval interval;
    interval.published = 300;
    interval.seconds = 60;
    Backlog backlog;
    backlog.images = {7, 0.25};
    EXPECT_EQ(systemd_status(interval, backlog),
              "published 5.0/s; waiting: 7 image.process (oldest 0.2 s), 0 cache.invalidate "
              "(oldest 0.0 s)");
}

}  // namespace
}  // namespace pms::bridge
