/// Cache invalidations travel through the outbox too: while Redis is down they wait there (image
/// jobs still go out), they survive a bridge killed meanwhile, and they are delivered once Redis
/// is back.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int waiting_invalidations(int64_t product) {
    auto db = owner_connection();
    pqxx::read_transaction transaction(*db);
    return transaction
        .exec_params1(
            "select count(*) from pms.outbox where topic = 'cache.invalidate'"
            " and payload ->> 'product_id' = $1::text",
            product)[0]
        .as<int>();
}

TEST(Invalidations, WaitInTheOutboxWhileRedisIsDownAndSurviveARestartedBridge) {
    auto bridge = start_bridge();
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    e2e::stack_control("stop", "redis");

    auto db = owner_connection();
    const int64_t user = create_user(*db, e2e::unique("bridge-invalidate"));
    int64_t product = 0;
    {
        pqxx::work transaction(*db);
        product = transaction
                      .exec_params1(
                          "select (api.create_product(null, true, $1, 'to rename', '', 1, "
                          "array['http://127.0.0.1:9/bridge-e2e/invalidate.jpg'])"
                          " ->> 'id')::bigint",
                          user)[0]
                      .as<int64_t>();
        // A change of the product: its cached copy must go.
        transaction.exec_params(
            "select api.update_product(null, true, $1, 'renamed', '', 2, "
            "array['http://127.0.0.1:9/bridge-e2e/invalidate.jpg'])",
            product);
        transaction.commit();
    }

    // Redis down holds up no image job.
    bridge_testkit::WorkQueueReader reader(e2e::setting("PMS_AMQP_URL"));
    bool image_arrived = false;
    const auto deadline = Clock::now() + seconds(15);
    while (!image_arrived && Clock::now() < deadline) {
        if (auto delivered = reader.next(milliseconds(200))) {
            image_arrived = delivered->product_id == product;
        }
    }
    EXPECT_TRUE(image_arrived) << "the image job waited for Redis";
    EXPECT_GE(waiting_invalidations(product), 1) << "an undelivered invalidation left the outbox";

    // The bridge dies while the invalidation waits; another one delivers it once Redis is back.
    bridge->signal(SIGKILL);
    bridge->wait(seconds(10));
    bridge = start_bridge();
    e2e::stack_control("start", "redis");
    const auto delivered_by = Clock::now() + seconds(30);
    while (waiting_invalidations(product) > 0 && Clock::now() < delivered_by) {
        std::this_thread::sleep_for(milliseconds(100));
    }
    EXPECT_EQ(waiting_invalidations(product), 0) << bridge->log();
}

}  // namespace
}  // namespace pms::bridge_e2e
