/// Backoff: doubling, the cap, reset and jitter bounds.
#include "common/backoff.hpp"

#include <gtest/gtest.h>

#include <iterator>

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

TEST(ExponentialDelay, DoublingReachesTheCapAndStaysThere) {
    // pms-api's respawns after quick deaths: 100 ms doubling up to 10 s.
    const unsigned attempts[] = {1, 2, 7, 8, 9, 1000};
    const int expected[] = {100, 200, 6400, 10000, 10000, 10000};
    for (size_t i = 0; i < std::size(attempts); ++i) {
        EXPECT_EQ(exponential_delay(milliseconds(100), 2, milliseconds(10000), attempts[i]),
                  milliseconds(expected[i]))
            << attempts[i];
    }
}

TEST(Backoff, WithoutJitterFollowsExponentialDelay) {
    Backoff backoff(milliseconds(500), milliseconds(10000));
    for (unsigned attempt = 1; attempt <= 12; ++attempt) {
        EXPECT_EQ(backoff.next(),
                  exponential_delay(milliseconds(500), 2, milliseconds(10000), attempt));
        EXPECT_EQ(backoff.failures(), attempt);
    }
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

TEST(Backoff, FullJitterNeverReachesZero) {
    Backoff backoff(milliseconds(1), milliseconds(4), 1.0, 7);
    for (int i = 0; i < 100; ++i) {
        EXPECT_GE(backoff.next(), milliseconds(1));
    }
}

TEST(Backoff, CapBelowInitialIsRaisedToInitial) {
    Backoff backoff(milliseconds(500), milliseconds(100));
    EXPECT_EQ(backoff.next(), milliseconds(500));
    EXPECT_EQ(backoff.next(), milliseconds(500));
}

}  // namespace
}  // namespace pms
