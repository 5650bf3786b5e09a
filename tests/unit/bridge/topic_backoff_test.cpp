/// Each topic retries on its own: a destination that is down is reconnected with growing delays,
/// a batch it refuses is claimed again with growing delays, and meanwhile the other topic goes
/// out as if nothing happened. The rows of the failing topic stay in the outbox until delivered.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/bridge/fake_services.hpp"

namespace pms::bridge::fake {
namespace {

using std::chrono::milliseconds;
using Kind = Call::Kind;

/// Each gap between `tries` is at least the backoff's delay before it: `first` doubling each
/// time, less the jitter (at most a fifth).
void expect_growing_gaps(const std::vector<Clock::time_point>& tries, milliseconds first) {
    milliseconds delay = first;
    for (size_t i = 1; i < tries.size(); ++i) {
        EXPECT_GE(tries[i] - tries[i - 1], delay * 8 / 10) << "try " << i + 1;
        delay *= 2;
    }
}

size_t claims_finding_rows(const Database& database, std::string_view topic) {
    const auto claims = database.calls_of(Kind::kClaim);
    return std::count_if(claims.begin(), claims.end(),
                         [&](const Call& call) { return call.topic == topic && call.rows > 0; });
}

TEST(TopicBackoff, RedisLostHoldsUpNoImageJobAndIsReconnectedWithGrowingDelays) {
    Database database;
    Broker broker;
    Redis redis;
    constexpr size_t kReconnects = 5;
    bool lost = false;
    database.during_wait = [&] {
        if (!lost && database.idle_session != 0) {
            // Redis goes away while the bridge waits; then a product changes.
            lost = true;
            redis.reachable = false;
            database.write(kImageTopic, image_payload(1));
            database.write(kCacheTopic, invalidation_payload(1));
        }
        if (redis.connects.size() == 3 && database.waiting(kImageTopic) == 0 &&
            broker.published.size() == 1) {
            database.write(kImageTopic, image_payload(2));  // while Redis is being retried
        }
        if (redis.connects.size() > kReconnects) {
            redis.reachable = true;
        }
    };
    ASSERT_TRUE(run_bridge(settings(), database, broker, redis, [&] {
        return lost && database.waiting(kCacheTopic) == 0;
    })) << "the invalidation was never delivered";

    ASSERT_EQ(broker.published.size(), 2U);
    ASSERT_GE(redis.connects.size(), kReconnects + 2);  // at start, then after the loss
    EXPECT_LT(broker.publishes.back(), redis.connects.back())
        << "an image job waited for Redis to come back";
    // The first reconnect comes after the first delay, each later one after twice the last.
    const std::vector<Clock::time_point> reconnects(redis.connects.begin() + 1,
                                                    redis.connects.end());
    expect_growing_gaps(reconnects, settings().backoff_initial * 2);
    EXPECT_EQ(redis.invalidated, std::vector<int64_t>{1});
    EXPECT_EQ(claims_finding_rows(database, kCacheTopic), 2U)
        << "claimed once before the loss was known and once after the reconnect, not between";
}

TEST(TopicBackoff, ABrokerDownAtStartHoldsUpNoInvalidationAndIsReconnectedWithGrowingDelays) {
    Database database;
    Broker broker;
    Redis redis;
    broker.reachable = false;
    database.write(kImageTopic, image_payload(1));
    database.write(kCacheTopic, invalidation_payload(1));
    database.during_wait = [&] {
        if (broker.connects.size() >= 5) {
            broker.reachable = true;
        }
    };
    bool broker_connected_at_invalidation = true;
    redis.on_invalidate = [&] { broker_connected_at_invalidation = broker.connected; };
    ASSERT_TRUE(run_bridge(settings(), database, broker, redis, [&] {
        return broker.published.size() == 1;
    })) << "the image job was never published";

    EXPECT_EQ(redis.invalidated, std::vector<int64_t>{1});
    EXPECT_FALSE(broker_connected_at_invalidation) << "the invalidation waited for RabbitMQ";
    expect_growing_gaps(broker.connects, settings().backoff_initial);
    EXPECT_EQ(claims_finding_rows(database, kImageTopic), 1U)
        << "image rows were claimed while RabbitMQ was down";
}

TEST(TopicBackoff, ARefusedImageBatchStaysAndIsRetriedWithGrowingDelaysWhileInvalidationsGoOut) {
    Database database;
    Broker broker;
    Redis redis;
    BridgeConfig config = settings();
    // Long enough that the invalidation below has time to go out between two tries.
    config.backoff_initial = milliseconds(50);
    constexpr int kRefusals = 4;
    broker.nack_batches = kRefusals;
    database.write(kImageTopic, image_payload(1));
    bool written = false;
    database.during_wait = [&] {
        if (!written && broker.publishes.size() == 1) {
            written = true;
            database.write(kCacheTopic, invalidation_payload(9));
        }
    };
    std::vector<size_t> published_at_invalidation;
    redis.on_invalidate = [&] { published_at_invalidation.push_back(broker.published.size()); };
    ASSERT_TRUE(run_bridge(config, database, broker, redis, [&] {
        return broker.published.size() == 1;
    })) << "the image job was never published";

    EXPECT_EQ(broker.publishes.size(), static_cast<size_t>(kRefusals + 1));
    expect_growing_gaps(broker.publishes, config.backoff_initial);
    EXPECT_EQ(claims_finding_rows(database, kImageTopic), static_cast<size_t>(kRefusals + 1))
        << "a refused row left the outbox";
    EXPECT_EQ(broker.connects.size(), 1U) << "a refusal is not a lost connection";
    EXPECT_EQ(published_at_invalidation, std::vector<size_t>{0})
        << "the invalidation waited for the refused image job";
}

TEST(TopicBackoff, ARefusedBatchIsRetriedAtMostTheDeliveryCapApart) {
    Database database;
    Broker broker;
    Redis redis;
    BridgeConfig config = settings();
    config.backoff_initial = milliseconds(10);
    config.delivery_backoff_max = milliseconds(20);
    // Doubling without the cap, the tries would wait 10 + 20 + ... + 1280 ms: 2.5 s.
    constexpr int kRefusals = 8;
    broker.nack_batches = kRefusals;
    database.write(kImageTopic, image_payload(1));
    ASSERT_TRUE(run_bridge(config, database, broker, redis, [&] {
        return broker.published.size() == 1;
    })) << "the image job was never published";

    ASSERT_EQ(broker.publishes.size(), static_cast<size_t>(kRefusals + 1));
    EXPECT_LT(broker.publishes.back() - broker.publishes.front(), milliseconds(1500))
        << "the tries of a refused batch grew past the delivery cap";
}

}  // namespace
}  // namespace pms::bridge::fake
