/// Backoff of job retries and of reconnects.
#include "worker/pipeline/backoff.hpp"

#include <gtest/gtest.h>

namespace pms::worker {
namespace {

using std::chrono::milliseconds;

TEST(WorkerDelays, RetryDelayGrowsFourfoldFromTheBase) {
    EXPECT_EQ(retry_delay(1, milliseconds(2000)), milliseconds(2000));
    EXPECT_EQ(retry_delay(2, milliseconds(2000)), milliseconds(8000));
    EXPECT_EQ(retry_delay(3, milliseconds(2000)), milliseconds(32000));
    EXPECT_EQ(retry_delay(2, milliseconds(100)), milliseconds(400));
}

TEST(WorkerDelays, RetryDelayIsCappedAndNeverOverflows) {
    EXPECT_EQ(retry_delay(100, milliseconds(2000)), std::chrono::hours(1));
    EXPECT_EQ(retry_delay(1000000, milliseconds(2000)), std::chrono::hours(1));
    EXPECT_EQ(retry_delay(0, milliseconds(2000)), milliseconds(2000));
    EXPECT_GT(retry_delay(1, milliseconds(0)), milliseconds(0));
}

TEST(WorkerDelays, ReconnectDelayDoublesUpToTenSeconds) {
    EXPECT_EQ(reconnect_delay(1), milliseconds(500));
    EXPECT_EQ(reconnect_delay(2), milliseconds(1000));
    EXPECT_EQ(reconnect_delay(3), milliseconds(2000));
    EXPECT_EQ(reconnect_delay(5), milliseconds(8000));
    EXPECT_EQ(reconnect_delay(6), milliseconds(10000));
    EXPECT_EQ(reconnect_delay(1000), milliseconds(10000));
}

}  // namespace
}  // namespace pms::worker
