/// Backoff: doubling, the cap, reset and jitter bounds.
#include "common/backoff.hpp"

#include <gtest/gtest.h>

namespace pms {
namespace {

using std::chrono::milliseconds;

TEST(ExponentialDelay, GrowsByTheFactorUpToTheCap) {
    EXPECT_EQ(exponential_delay(milliseconds(2000), 4, milliseconds(60000), 1), milliseconds(2000));
    EXPECT_EQ(exponential_delay(milliseconds(2000), 4, milliseconds(60000), 3),
              milliseconds(32000));
    EXPECT_EQ(exponential_delay(milliseconds(2000), 4, milliseconds(60000), 4),
              milliseconds(60000));
    EXPECT_EQ(exponential_delay(milliseconds(2000), 4, milliseconds(60000), 4000000000U),
              milliseconds(60000));
    EXPECT_EQ(exponential_delay(milliseconds(2000), 4, milliseconds(60000), 0), milliseconds(2000));
    EXPECT_EQ(exponential_delay(milliseconds(0), 2, milliseconds(60000), 1), milliseconds(1));
}

TEST(Backoff, DoublesUpToTheCap) {
    Backoff backoff(milliseconds(100), milliseconds(1000));
    EXPECT_EQ(backoff.next(), milliseconds(100));
    EXPECT_EQ(backoff.next(), milliseconds(200));
    EXPECT_EQ(backoff.next(), milliseconds(400));
    EXPECT_EQ(backoff.next(), milliseconds(800));
    EXPECT_EQ(backoff.next(), milliseconds(1000));
    EXPECT_EQ(backoff.next(), milliseconds(1000));
    EXPECT_EQ(backoff.failures(), 6U);
}

TEST(Backoff, ManyFailuresStayAtTheCap) {
    Backoff backoff(milliseconds(100), milliseconds(10000));
    for (int i = 0; i < 1000; ++i) {
        backoff.next();
    }
    EXPECT_EQ(backoff.next(), milliseconds(10000));
}

TEST(Backoff, ResetStartsOver) {
    Backoff backoff(milliseconds(50), milliseconds(10000));
    backoff.next();
    backoff.next();
    backoff.reset();
    EXPECT_EQ(backoff.failures(), 0U);
    EXPECT_EQ(backoff.next(), milliseconds(50));
}

TEST(Backoff, JitterOnlyShortensTheDelay) {
    Backoff backoff(milliseconds(1000), milliseconds(1000), 0.2, 42);
    for (int i = 0; i < 200; ++i) {
        const auto delay = backoff.next();
        EXPECT_LE(delay, milliseconds(1000));
        EXPECT_GE(delay, milliseconds(800));
    }
}

TEST(Backoff, CapBelowInitialIsRaisedToInitial) {
    Backoff backoff(milliseconds(500), milliseconds(100));
    EXPECT_EQ(backoff.next(), milliseconds(500));
    EXPECT_EQ(backoff.next(), milliseconds(500));
}

}  // namespace
}  // namespace pms
