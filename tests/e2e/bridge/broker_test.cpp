/// The broker side against the real RabbitMQ: the topology is declared idempotently (quorum
/// queues when asked), every message is persistent with its job id, and a message the broker
/// returns or nacks stays in the outbox until it is taken.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"
#include "worker/amqp/amqp_topology.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// Creates one product with one image by SQL; returns its id.
int64_t create_one_product(const std::string& tag) {
    auto db = owner_connection();
    const int64_t user = create_user(*db, e2e::unique(tag));
    pqxx::work transaction(*db);
    const auto product =
        transaction
            .exec_params1(
                "select (api.create_product(null, true, $1, $2, '', 1, "
                "array['http://127.0.0.1:9/bridge-e2e/broker.jpg']) ->> 'id')::bigint",
                user, tag)[0]
            .as<int64_t>();
    transaction.commit();
    return product;
}

/// Outbox rows waiting for a product.
int waiting_events(int64_t product) {
    auto db = owner_connection();
    pqxx::read_transaction transaction(*db);
    return transaction
        .exec_params1("select count(*) from pms.outbox where payload ->> 'product_id' = $1::text",
                      product)[0]
        .as<int>();
}

/// Reads the work queue until the product's job arrived; the deliveries of that product.
std::vector<Delivered> wait_for_product(const std::string& amqp_url, bool quorum, int64_t product,
                                        seconds bound) {
    bridge_testkit::WorkQueueReader reader(amqp_url, quorum);
    std::vector<Delivered> found;
    const auto deadline = Clock::now() + bound;
    while (found.empty() && Clock::now() < deadline) {
        for (const Delivered& delivered : reader.read_until_quiet(milliseconds(500), deadline)) {
            if (delivered.product_id == product) {
                found.push_back(delivered);
            }
        }
    }
    return found;
}

TEST(Broker, PublishesPersistentMessagesNamedByTheirJob) {
    auto bridge = start_bridge();
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    const int64_t product = create_one_product("broker-message");
    const auto found = wait_for_product(e2e::setting("PMS_AMQP_URL"), false, product, seconds(10));
    ASSERT_EQ(found.size(), 1U);
    EXPECT_TRUE(found[0].persistent);
    EXPECT_EQ(found[0].content_type, "application/json");
    EXPECT_EQ(found[0].message_id, std::to_string(found[0].job_id));
}

TEST(Broker, DeclaresQuorumQueuesWhenAskedAndAgainOnEveryStart) {
    const std::string vhost = "pms-e2e-quorum-" + std::to_string(getpid());
    rabbitmqctl("add_vhost " + vhost);
    rabbitmqctl("set_permissions -p " + vhost + " guest '.*' '.*' '.*'");
    std::string url = e2e::setting("PMS_AMQP_URL");
    url = url.substr(0, url.rfind('/') + 1) + vhost;
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(10)));

    for (int start = 1; start <= 2; ++start) {
        // The second start declares everything again over what exists: no error.
        auto bridge = start_bridge({{"PMS_AMQP_URL", url}, {"PMS_AMQP_QUORUM", "1"}});
        ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
        const int64_t product = create_one_product("broker-quorum");
        EXPECT_EQ(wait_for_product(url, true, product, seconds(15)).size(), 1U)
            << "start " << start << ": the job did not reach the quorum work queue";
        bridge->signal(SIGTERM);
        bridge->wait(seconds(15));
        EXPECT_EQ(bridge_testkit::count_lines(bridge->log(), "\"level\":\"warn\""), 0U)
            << bridge->log();
    }
    const std::string queues = rabbitmqctl("list_queues -p " + vhost + " name type");
    for (const char* queue : {"pms.images.process", "pms.images.retry", "pms.images.dead"}) {
        EXPECT_NE(queues.find(std::string(queue) + "\tquorum"), std::string::npos)
            << queue << " is not a quorum queue:\n"
            << queues;
    }
    // The setting matters: the same names as classic queues are refused by the broker.
    amqp::Connection classic(url, seconds(5));
    EXPECT_THROW(amqp::topology::declare(classic, false), amqp::Error);
    rabbitmqctl("delete_vhost " + vhost);
}

TEST(Broker, AReturnedMessageStaysInTheOutboxAndGoesOutOnceTheQueueIsBack) {
    auto bridge = start_bridge();
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    // Without the work queue, its binding is gone: the mandatory message comes back.
    rabbitmqctl("delete_queue pms.images.process");
    const int64_t product = create_one_product("broker-return");
    ASSERT_TRUE(bridge->wait_for_log("returned as unroutable", seconds(15))) << bridge->log();
    // The bridge declares the topology again on the connection it opens after a return, and
    // publishes the row again (the reader below declares too, so it starts only now).
    const auto found = wait_for_product(e2e::setting("PMS_AMQP_URL"), false, product, seconds(20));
    EXPECT_GE(found.size(), 1U);
    EXPECT_EQ(waiting_events(product), 0);
}

TEST(Broker, ANackedBatchStaysInTheOutboxAndIsRetriedWithBackoff) {
    auto bridge = start_bridge();
    ASSERT_TRUE(bridge->wait_for_log("pms-bridge ready", seconds(30))) << bridge->log();
    // A full queue that refuses new messages: the broker nacks every publish.
    rabbitmqctl(
        "set_policy --apply-to queues pms-e2e-refuse '^pms\\.images\\.process$' "
        "'{\"max-length\": 0, \"overflow\": \"reject-publish\"}'");
    const int64_t product = create_one_product("broker-nack");
    ASSERT_TRUE(bridge->wait_for_log("nacked by the broker", seconds(15))) << bridge->log();
    EXPECT_EQ(waiting_events(product), 1) << "a nacked row must stay in the outbox";
    rabbitmqctl("clear_policy pms-e2e-refuse");
    const auto found = wait_for_product(e2e::setting("PMS_AMQP_URL"), false, product, seconds(30));
    EXPECT_GE(found.size(), 1U);
    EXPECT_EQ(waiting_events(product), 0);
    EXPECT_EQ(bridge_testkit::count_lines(bridge->log(), "image.process publishing again"), 1U)
        << bridge->log();
}

}  // namespace
}  // namespace pms::bridge_e2e
