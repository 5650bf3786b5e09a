/// The worker's reconnect schedule and its wait, which a stop request cuts short.
#include "worker/pipeline/reconnect.hpp"

#include <gtest/gtest.h>

namespace pms::worker {
namespace {

using std::chrono::milliseconds;

TEST(Reconnect, DoublesFromHalfASecondUpToTenSeconds) {
    Backoff reconnects = reconnect_backoff();
    for (const int expected : {500, 1000, 2000, 4000, 8000, 10000, 10000}) {
        EXPECT_EQ(reconnects.next(), milliseconds(expected));
    }
    reconnects.reset();
    EXPECT_EQ(reconnects.next(), milliseconds(500));
}

TEST(Reconnect, SleepEndsWhenTheTimeIsUp) {
    const std::atomic<bool> stop{false};
    int slices = 0;
    EXPECT_TRUE(sleep_unless_stopped(milliseconds(30), stop, [&] { ++slices; }));
    EXPECT_GE(slices, 1);
}

TEST(Reconnect, SleepEndsAtOnceWhenStopping) {
    std::atomic<bool> stop{false};
    const auto start = std::chrono::steady_clock::now();
    // The first slice sets the flag: the remaining hour is not slept.
    EXPECT_FALSE(sleep_unless_stopped(std::chrono::hours(1), stop, [&] { stop.store(true); }));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace pms::worker
