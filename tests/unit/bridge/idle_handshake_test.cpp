/// The bridge's side of the wake-up handshake (worker/bridge/README.md): it marks its session
/// idle only when a claim found nothing, looks once more after the mark, is woken by the NOTIFY
/// of a writer that committed after it, and is marked busy again by its next batch; writers
/// notify only a bridge marked idle. The poll timer is off here, so a row that the handshake
/// would lose is never delivered.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "tests/unit/bridge/fake_services.hpp"

namespace pms::bridge::fake {
namespace {

using std::chrono::milliseconds;
using Kind = Call::Kind;

/// The calls between the first `from` and the next `to` after it.
std::vector<Call> between(const std::vector<Call>& calls, Kind from, Kind to) {
    auto start = std::find_if(calls.begin(), calls.end(),
                              [&](const Call& call) { return call.kind == from; });
    if (start == calls.end()) {
        return {};
    }
    auto end = std::find_if(std::next(start), calls.end(),
                            [&](const Call& call) { return call.kind == to; });
    return {std::next(start), end};
}

/// The rows found by the last claim of `topic` before the first call of `kind`.
std::optional<size_t> last_claim_before(const std::vector<Call>& calls, std::string_view topic,
                                        Kind kind) {
    std::optional<size_t> found;
    for (const Call& call : calls) {
        if (call.kind == kind) {
            break;
        }
        if (call.kind == Kind::kClaim && call.topic == topic) {
            found = call.rows;
        }
    }
    return found;
}

bool waiting_idle(const Database& database) {
    return database.idle_session != 0 && !database.calls.empty() &&
           database.calls.back().kind == Kind::kWait;
}

TEST(IdleHandshake, MarksItselfIdleOnlyOnceAClaimFoundNothingThenLooksOnceMore) {
    Database database;
    Broker broker;
    Redis redis;
    for (int job = 1; job <= 25; ++job) {
        database.write(kImageTopic, image_payload(job));
    }
    ASSERT_TRUE(run_bridge(settings(), database, broker, redis, [&] {
        return waiting_idle(database);
    })) << "the bridge never waited marked idle";

    EXPECT_EQ(broker.published.size(), 25U);
    EXPECT_EQ(database.calls_of(Kind::kIdle).size(), 1U) << "marked idle between batches";
    // Until the mark, the bridge is busy: its claims need not mark it so, and the last one of
    // each topic found nothing.
    for (const Call& call : database.calls) {
        if (call.kind == Kind::kIdle) {
            break;
        }
        EXPECT_FALSE(call.busy) << call.topic;
    }
    EXPECT_EQ(last_claim_before(database.calls, kImageTopic, Kind::kIdle), size_t{0});
    EXPECT_EQ(last_claim_before(database.calls, kCacheTopic, Kind::kIdle), size_t{0});
    // After the mark and before any wait: one more look at each topic, marking it busy if rows
    // are found.
    std::set<std::string> looked_at;
    for (const Call& call : between(database.calls, Kind::kIdle, Kind::kWait)) {
        ASSERT_EQ(call.kind, Kind::kClaim);
        EXPECT_TRUE(call.busy) << call.topic;
        looked_at.insert(call.topic);
    }
    EXPECT_EQ(looked_at,
              (std::set<std::string>{std::string(kImageTopic), std::string(kCacheTopic)}));
    EXPECT_EQ(database.notifications, 0);
}

TEST(IdleHandshake, ARowCommittedJustBeforeTheIdleMarkIsFoundByTheLastLook) {
    Database database;
    Broker broker;
    Redis redis;
    bool written = false;
    database.before_idle_mark = [&] {
        // Its COMMIT sees no idle bridge, so it notifies nobody.
        if (!written) {
            written = true;
            database.write(kImageTopic, image_payload(7));
        }
    };
    EXPECT_TRUE(run_bridge(
        settings(), database, broker, redis, [&] { return broker.published.size() == 1; },
        milliseconds(2000)))
        << "the row waits for a wake-up that no writer sends";
    EXPECT_EQ(database.notifications, 0);
}

TEST(IdleHandshake, WritersNotifyOnlyAWaitingBridgeAndItsNextBatchMarksItBusy) {
    Database database;
    Broker broker;
    Redis redis;
    BridgeConfig config = settings();
    config.batch_size = 1;  // every batch full: the bridge keeps claiming
    constexpr int kStream = 20;
    int written = 0;
    database.write(kImageTopic, image_payload(++written));
    database.during_wait = [&] {
        // A steady stream (a row each time the bridge looks up between batches), then a lone
        // writer once the bridge waits.
        if (written < kStream || (written == kStream && database.idle_session != 0)) {
            database.write(kImageTopic, image_payload(++written));
        }
    };
    ASSERT_TRUE(run_bridge(config, database, broker, redis, [&] {
        return broker.published.size() == kStream + 1 && waiting_idle(database);
    }));

    EXPECT_EQ(database.notifications, 1) << "writers notified a busy bridge";
    const auto marks = database.calls_of(Kind::kIdle);
    ASSERT_EQ(marks.size(), 2U) << "idle only after the stream and after the lone row";
    // The lone row's batch marked the session busy, in its own transaction.
    const auto woken = between(database.calls, Kind::kIdle, Kind::kIdle);
    const auto batch = std::find_if(woken.begin(), woken.end(), [](const Call& call) {
        return call.kind == Kind::kCommit && call.rows == 1;
    });
    ASSERT_NE(batch, woken.end());
    EXPECT_TRUE(batch->busy);
}

TEST(IdleHandshake, WhileTheWakeLockIsTakenItStaysBusyAndTriesAgainSoon) {
    Database database;
    Broker broker;
    Redis redis;
    database.wake_lock_busy = 3;
    int tries = 0;
    database.before_idle_mark = [&] {
        if (++tries == 2) {
            database.write(kCacheTopic, invalidation_payload(5));  // nobody to notify
        }
    };
    const BridgeConfig config = settings();
    ASSERT_TRUE(run_bridge(config, database, broker, redis, [&] {
        return redis.invalidated.size() == 1 && waiting_idle(database);
    }));

    EXPECT_EQ(database.calls_of(Kind::kIdleRefused).size(), 3U);
    EXPECT_EQ(database.calls_of(Kind::kIdle).size(), 1U);
    EXPECT_EQ(database.notifications, 0);
    // Soon, not at once: the lock's holder needs the time to commit.
    std::vector<Clock::time_point> attempts;
    for (const Call& call : database.calls) {
        if (call.kind == Kind::kIdleRefused || call.kind == Kind::kIdle) {
            attempts.push_back(call.at);
        }
    }
    for (size_t i = 1; i < attempts.size(); ++i) {
        EXPECT_GE(attempts[i] - attempts[i - 1], config.idle_retry) << "attempt " << i + 1;
    }
    // And no later: a busy bridge is woken by no writer, so none of its waits may pass the next
    // attempt (a wait of a whole slice there stalled every event for a second).
    for (const Call& call : between(database.calls, Kind::kIdleRefused, Kind::kIdle)) {
        if (call.kind == Kind::kWait) {
            EXPECT_LE(call.timeout, config.idle_retry);
        }
    }
}

TEST(IdleHandshake, ANewSessionStartsBusyAndMarksItselfIdleAgain) {
    Database database;
    Broker broker;
    Redis redis;
    bool broken = false;
    database.during_wait = [&] {
        if (!broken && database.idle_session == 1) {
            broken = true;
            database.break_next_claim = true;  // the connection is lost as a writer wakes us
            database.write(kImageTopic, image_payload(3));
        }
    };
    ASSERT_TRUE(run_bridge(settings(), database, broker, redis, [&] {
        return broker.published.size() == 1 && database.idle_session == 2 && waiting_idle(database);
    }));

    EXPECT_EQ(database.sessions, 2);
    // The database does not know the new session as idle: its first claims mark nothing.
    const auto claims = database.calls_of(Kind::kClaim);
    const auto first = std::find_if(claims.begin(), claims.end(),
                                    [](const Call& call) { return call.session == 2; });
    ASSERT_NE(first, claims.end());
    EXPECT_FALSE(first->busy);
    const auto marks = database.calls_of(Kind::kIdle);
    ASSERT_EQ(marks.size(), 2U);
    EXPECT_EQ(marks[0].session, 1);
    EXPECT_EQ(marks[1].session, 2);
}

}  // namespace
}  // namespace pms::bridge::fake
