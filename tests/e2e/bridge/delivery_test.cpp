/// No event lost: products are created while the bridge is killed, RabbitMQ is stopped, or
/// PostgreSQL is restarted; afterwards every image job has reached the work queue at least once.
/// Duplicates (at-least-once delivery) are counted and reported, not failed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <iostream>
#include <random>
#include <thread>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kProducts = 10000;
/// Products per transaction: 200 transactions in all, so the disruptions land between and
/// inside them.
constexpr int kPerTransaction = 50;

/// Waits for the outbox to drain, reads the work queue, and checks that every job of `user`
/// arrived; reports the duplicates.
void expect_every_job_delivered(int64_t user, const std::string& scenario) {
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(90)))
        << "the outbox did not drain within 90 s";
    const auto jobs = jobs_of(*owner_connection(), user);
    // At least: a batch whose COMMIT was cut by a restart may have been created twice.
    EXPECT_GE(jobs.size(), static_cast<size_t>(kProducts)) << "one job per product was created";
    const Tally result = tally(jobs, read_work_queue(Clock::now() + seconds(90)));
    std::cout << "[ " << scenario << " ] " << result.expected << " image jobs, " << result.missing
              << " lost, " << result.duplicates << " duplicates" << std::endl;
    ::testing::Test::RecordProperty("jobs", static_cast<int>(result.expected));
    ::testing::Test::RecordProperty("duplicates", static_cast<int>(result.duplicates));
    EXPECT_EQ(result.missing, 0U) << "lost jobs, e.g. "
                                  << ::testing::PrintToString(result.missing_ids);
    EXPECT_EQ(result.foreign, 0U) << "the work queue held messages of no job of this test";
}

TEST(NoEventLost, WhileTheBridgeIsKilledAndRestarted) {
    const int64_t user = create_user(*owner_connection(), e2e::unique("bridge-kill"));
    std::thread producer(create_products, user, kProducts, 1, kPerTransaction, milliseconds(8000),
                         Clock::now() + seconds(60));
    // While it is down, a backlog builds up; it is killed again soon after the restart, in the
    // middle of draining that backlog (published, not yet deleted: those come again).
    std::minstd_rand random(42);
    const Environment settings = {{"PMS_BRIDGE_BATCH", "100"}};
    for (int round = 1; round <= 8; ++round) {
        auto bridge = start_bridge(settings);
        std::this_thread::sleep_for(milliseconds(40 + random() % 160));
        if (round == 4) {
            // A clean stop in the middle of the stream: the batch in flight is finished or
            // rolled back, and the process exits 0 at once. Only once it is ready: a SIGTERM
            // before its handlers are in place ends it by the signal, as it should, and a
            // loaded machine can take longer than the pause above to get there.
            ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
            bridge->signal(SIGTERM);
            const auto status = bridge->wait(seconds(15));
            ASSERT_TRUE(status.has_value()) << "pms-bridge did not stop within 15 s of SIGTERM";
            EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << bridge->log();
        } else {
            bridge->signal(SIGKILL);
            ASSERT_TRUE(bridge->wait(seconds(10)).has_value());
        }
        std::this_thread::sleep_for(milliseconds(800));
    }
    auto last = start_bridge(settings);
    producer.join();
    expect_every_job_delivered(user, "bridge killed 7 times, stopped once");
}

/// Products are created while `service` of the stack is stopped and started again. Afterwards
/// every job has arrived, and the bridge logged the outage once and the recovery once (each
/// state change once, not every retry); `shown_as` is the name its log lines use.
void expect_no_loss_across_restart(const std::string& service, const std::string& shown_as) {
    const int64_t user = create_user(*owner_connection(), e2e::unique("bridge-" + service));
    auto bridge = start_bridge();
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    std::thread producer(create_products, user, kProducts, 1, kPerTransaction, milliseconds(8000),
                         Clock::now() + seconds(60));
    std::this_thread::sleep_for(milliseconds(2000));
    e2e::stack_control("stop", service);
    std::this_thread::sleep_for(milliseconds(1000));
    e2e::stack_control("start", service);
    producer.join();
    expect_every_job_delivered(user, shown_as + " stopped and started");
    const std::string log = bridge->log();
    EXPECT_EQ(bridge_testkit::count_lines(log, shown_as + " unavailable; reconnecting"), 1U) << log;
    EXPECT_EQ(bridge_testkit::count_lines(log, "reconnected to " + shown_as), 1U) << log;
}

TEST(NoEventLost, WhileRabbitMqIsStoppedAndStarted) {
    expect_no_loss_across_restart("rabbitmq", "RabbitMQ");
}

TEST(NoEventLost, WhilePostgresqlIsRestarted) {
    expect_no_loss_across_restart("postgres", "PostgreSQL");
}

}  // namespace
}  // namespace pms::bridge_e2e
