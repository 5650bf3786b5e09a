/// Wake-ups: a writer notifies only a bridge that waits, one writer at a time, and none is lost.
/// First the handshake itself with database sessions; then a bridge that never polls
/// (PMS_BRIDGE_POLL_INTERVAL one hour) must still publish every one of many commits at once, sparse
/// or dense.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// Counts NOTIFYs on the outbox channel of one session.
class Listener : public pqxx::notification_receiver {
public:
    explicit Listener(pqxx::connection& connection)
        : pqxx::notification_receiver(connection, "pms_outbox") {}
    void operator()(const std::string&, int) override { ++received; }
    int received = 0;
};

/// Whether `connection` gets a NOTIFY within `timeout`.
bool notified(pqxx::connection& connection, Listener& listener, milliseconds timeout) {
    const int before = listener.received;
    const auto deadline = Clock::now() + timeout;
    while (listener.received == before && Clock::now() < deadline) {
        connection.await_notification(0, 50000);
    }
    return listener.received > before;
}

void insert_event(pqxx::connection& db) {
    pqxx::work transaction(db);
    transaction.exec0(
        "insert into pms.outbox (topic, payload) values ('cache.invalidate', "
        "'{\"product_id\": -1, \"version\": 1}')");
    transaction.commit();
}

/// Marks the session idle or busy, as pms-bridge does.
void mark(pqxx::connection& bridge, const char* state) {
    pqxx::work transaction(bridge);
    transaction.exec(std::string("select api.outbox_bridge_") + state + "()");
    transaction.commit();
}

/// Bridges the earlier tests killed left rows behind; marking a session idle removes those of
/// ended sessions (a backend may take a moment to end after its client died).
void forget_ended_bridges(pqxx::connection& bridge) {
    auto owner = owner_connection();
    const auto deadline = Clock::now() + seconds(10);
    while (Clock::now() < deadline) {
        mark(bridge, "idle");
        mark(bridge, "busy");
        pqxx::read_transaction look(*owner);
        if (look.exec1("select count(*) from pms.outbox_bridges")[0].as<int>() == 1) {
            return;
        }
        std::this_thread::sleep_for(milliseconds(100));
    }
    ADD_FAILURE() << "rows of other bridge sessions stay in pms.outbox_bridges";
}

TEST(WakeUp, OnlyAWaitingBridgeIsNotifiedAndNotWhileACommitIsInFlight) {
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(10))) << "no bridge may run meanwhile";
    auto writer = owner_connection();
    pqxx::connection bridge(e2e::setting("PMS_BRIDGE_DATABASE_URL"));
    Listener listener(bridge);
    forget_ended_bridges(bridge);

    // A bridge that has not marked itself idle gets no NOTIFY: the writers' commits stay cheap.
    insert_event(*writer);
    EXPECT_FALSE(notified(bridge, listener, milliseconds(300)));

    // A writer whose check ran (SET CONSTRAINTS ... IMMEDIATE runs the deferred trigger now,
    // as COMMIT would) holds the wake lock until it commits: the bridge cannot count as idle
    // before that commit is visible, so its next claim will see the row.
    pqxx::work in_flight(*writer);
    in_flight.exec0("set constraints pms.outbox_notify immediate");
    in_flight.exec0(
        "insert into pms.outbox (topic, payload) values ('cache.invalidate', "
        "'{\"product_id\": -1, \"version\": 2}')");
    {
        pqxx::work idle(bridge);
        try {
            idle.exec("select api.outbox_bridge_idle()");
            ADD_FAILURE() << "the bridge was marked idle while a commit that did not see it ran";
        } catch (const pqxx::sql_error& e) {
            EXPECT_EQ(e.sqlstate(), "55P03") << e.what();
        }
    }
    in_flight.commit();
    mark(bridge, "idle");
    {
        pqxx::work look(bridge);
        EXPECT_EQ(look.exec1("select count(*) from api.outbox_claim('cache.invalidate', 100)")[0]
                      .as<int>(),
                  2)
            << "the look after the mark sees both committed rows";
    }

    // Idle: every commit wakes the bridge.
    insert_event(*writer);
    EXPECT_TRUE(notified(bridge, listener, seconds(2)));
    insert_event(*writer);
    EXPECT_TRUE(notified(bridge, listener, seconds(2)));

    // Busy again: no more NOTIFYs.
    mark(bridge, "busy");
    insert_event(*writer);
    EXPECT_FALSE(notified(bridge, listener, milliseconds(300)));

    pqxx::work cleanup(*writer);
    cleanup.exec0("delete from pms.outbox where payload ->> 'product_id' = '-1'");
    cleanup.commit();
}

TEST(WakeUp, AWriterNeverWaitsForABridgeThatIsMarkingItselfIdle) {
    auto writer = owner_connection();
    auto watcher = owner_connection();
    Listener listener(*watcher);
    pqxx::connection bridge(e2e::setting("PMS_BRIDGE_DATABASE_URL"));
    forget_ended_bridges(bridge);

    // The bridge is inside its idle mark: it holds the wake lock EXCLUSIVE until it commits.
    pqxx::work marking(bridge);
    marking.exec("select api.outbox_bridge_idle()");
    const auto start = Clock::now();
    insert_event(*writer);
    EXPECT_LT(Clock::now() - start, milliseconds(500))
        << "the writer's commit waited for the bridge";
    EXPECT_TRUE(notified(*watcher, listener, seconds(2)))
        << "a writer that cannot check must notify: the bridge may be about to wait";
    marking.commit();
    mark(bridge, "busy");

    pqxx::work cleanup(*writer);
    cleanup.exec0("delete from pms.outbox where payload ->> 'product_id' = '-1'");
    cleanup.commit();
}

/// `writers` sessions commit `commits` products each (one image each, so one image.process event)
/// at random gaps of 0 to `max_gap` ms, to a bridge that never polls: every event must reach the
/// work queue within a second, so none waited for anything but a NOTIFY.
void expect_every_commit_published_at_once(int writers, int commits, int max_gap,
                                           const std::string& label) {
    auto bridge = start_bridge({{"PMS_BRIDGE_POLL_INTERVAL", "3600"}});
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    bridge_testkit::WorkQueueReader reader(e2e::setting("PMS_AMQP_URL"));
    const int64_t user = create_user(*owner_connection(), e2e::unique("bridge-wakeup"));

    std::mutex mutex;
    std::map<int64_t, Clock::time_point> committed;  // product -> when its commit returned
    std::atomic<int> writing{writers};
    auto write = [&](unsigned seed) {
        auto db = owner_connection();
        std::minstd_rand random(seed);
        for (int i = 0; i < commits; ++i) {
            std::this_thread::sleep_for(milliseconds(random() % (max_gap + 1)));
            pqxx::work transaction(*db);
            const auto product =
                transaction
                    .exec_params1(
                        "select (api.create_product(null, true, $1, 'wake', '', 1, "
                        "array['http://127.0.0.1:9/bridge-e2e/wake.jpg']) ->> 'id')::bigint",
                        user)[0]
                    .as<int64_t>();
            transaction.commit();
            const std::lock_guard<std::mutex> lock(mutex);
            committed[product] = Clock::now();
        }
        --writing;
    };
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(writers));
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back(write, static_cast<unsigned>(w + 1));
    }
    const size_t expected = static_cast<size_t>(writers) * static_cast<size_t>(commits);
    std::map<int64_t, Clock::time_point> arrived;
    const auto deadline = Clock::now() + seconds(30);
    while (Clock::now() < deadline && (writing > 0 || arrived.size() < expected)) {
        if (auto delivered = reader.next(milliseconds(200))) {
            arrived.emplace(delivered->product_id, delivered->received_at);
        }
    }
    for (std::thread& thread : threads) {
        thread.join();
    }

    ASSERT_EQ(committed.size(), expected);
    std::vector<double> latencies;
    for (const auto& [product, at] : committed) {
        const auto found = arrived.find(product);
        ASSERT_NE(found, arrived.end())
            << "product " << product << ": a wake-up was lost (with polling off, it stays behind)";
        latencies.push_back(std::chrono::duration<double, std::milli>(found->second - at).count());
    }
    std::sort(latencies.begin(), latencies.end());
    std::cout << "[ " << label << " ] commit to work queue: median " << latencies[expected / 2]
              << " ms, max " << latencies.back() << " ms" << std::endl;
    EXPECT_LT(latencies.back(), 1000.0) << "some commit waited for something other than a NOTIFY";
    // The bridge deletes a batch's rows after the broker confirmed it, so the last rows can still
    // be there when their messages arrived; stopped now, it would leave them to the next test,
    // which needs an empty outbox and no bridge.
    EXPECT_TRUE(wait_outbox_empty(Clock::now() + seconds(10))) << bridge->log();
}

TEST(WakeUp, SparseCommitsArePublishedAtOnceWithoutPolling) {
    // Two writers at gaps of up to 15 ms: the bridge goes idle and wakes up over and over, and
    // commits land in every step of its handshake.
    expect_every_commit_published_at_once(2, 150, 15, "sparse commits");
}

TEST(WakeUp, DenseCommitsOfManyWritersArePublishedAtOnceWithoutPolling) {
    // Eight writers at gaps of up to 3 ms: most commits find a bridge that is waiting and another
    // writer holding the notify turn, so they leave the wake-up to it.
    expect_every_commit_published_at_once(8, 60, 3, "dense commits");
}

TEST(WakeUp, OfTheWritersCommittingWhileABridgeWaitsOneNotifies) {
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(10))) << "no bridge may run meanwhile";
    auto first = owner_connection();
    auto second = owner_connection();
    auto watcher = owner_connection();
    Listener listener(*watcher);
    pqxx::connection bridge(e2e::setting("PMS_BRIDGE_DATABASE_URL"));
    forget_ended_bridges(bridge);
    mark(bridge, "idle");

    // Both run their check now (SET CONSTRAINTS ... IMMEDIATE), as their COMMIT would.
    auto check_and_write = [](pqxx::work& transaction, int version) {
        transaction.exec0("set constraints pms.outbox_notify immediate");
        transaction.exec0(
            "insert into pms.outbox (topic, payload) values ('cache.invalidate', "
            "'{\"product_id\": -1, \"version\": " +
            std::to_string(version) + "}')");
    };
    pqxx::work holder(*first);
    check_and_write(holder, 1);
    {
        pqxx::work other(*second);
        check_and_write(other, 2);
        other.commit();
    }
    EXPECT_FALSE(notified(*watcher, listener, milliseconds(300)))
        << "the second writer should have left the wake-up to the first, which holds the turn";
    holder.commit();
    EXPECT_TRUE(notified(*watcher, listener, seconds(2))) << "the turn's holder notifies";
    {
        pqxx::work look(bridge);
        EXPECT_EQ(look.exec1("select count(*) from api.outbox_claim('cache.invalidate', 100)")[0]
                      .as<int>(),
                  2)
            << "the woken bridge's claim sees both writers' rows";
    }
    mark(bridge, "busy");

    pqxx::work cleanup(*first);
    cleanup.exec0("delete from pms.outbox where payload ->> 'product_id' = '-1'");
    cleanup.commit();
}

}  // namespace
}  // namespace pms::bridge_e2e
