/// Several bridges at once: events of one product keep their order. First the claim rule itself,
/// with two database sessions; then two pms-bridge processes under a stream of creations and
/// updates, read back from the work queue.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <set>
#include <thread>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// Inserts image.process rows for fake jobs of the given products (in this order); returns
/// their outbox ids.
std::vector<int64_t> insert_events(pqxx::connection& db, const std::vector<int64_t>& products) {
    pqxx::work transaction(db);
    std::vector<int64_t> ids;
    ids.reserve(products.size());
    for (const int64_t product : products) {
        ids.push_back(transaction
                          .exec_params1("insert into pms.outbox (topic, payload)"
                                        " values ('image.process', jsonb_build_object("
                                        "'job_id', 1, 'product_id', $1::bigint))"
                                        " returning id",
                                        product)[0]
                          .as<int64_t>());
    }
    transaction.commit();
    return ids;
}

std::vector<int64_t> claim(pqxx::work& transaction, int limit) {
    std::vector<int64_t> ids;
    for (const pqxx::row& row :
         transaction.exec_params("select id from api.outbox_claim('image.process', $1)", limit)) {
        ids.push_back(row[0].as<int64_t>());
    }
    return ids;
}

TEST(Order, AClaimSkipsTheProductsWhoseOlderEventsAnotherBridgeHolds) {
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(10))) << "no bridge may run meanwhile";
    auto owner = owner_connection();
    // Products -1 and -2 (no real product has a negative id): events a1 b1 a2 b2 a3.
    const auto ids = insert_events(*owner, {-1, -2, -1, -2, -1});

    pqxx::connection first_bridge(e2e::setting("PMS_BRIDGE_DATABASE_URL"));
    pqxx::connection second_bridge(e2e::setting("PMS_BRIDGE_DATABASE_URL"));
    pqxx::work first(first_bridge);
    EXPECT_EQ(claim(first, 1), std::vector<int64_t>({ids[0]})) << "the oldest event, a1";

    pqxx::work second(second_bridge);
    // a1 is held by the first bridge: a2 and a3 must wait for it; b1 and b2 are free.
    EXPECT_EQ(claim(second, 10), std::vector<int64_t>({ids[1], ids[3]}));
    second.abort();

    first.commit();  // a1 published and deleted elsewhere... here just released
    pqxx::work again(second_bridge);
    EXPECT_EQ(claim(again, 10), std::vector<int64_t>({ids[0], ids[1], ids[2], ids[3], ids[4]}))
        << "once a1 is no longer held, a product's events come whole, in order";
    again.abort();

    pqxx::work cleanup(*owner);
    cleanup.exec_params("delete from pms.outbox where id between $1 and $2", ids.front(),
                        ids.back());
    cleanup.commit();
}

/// Creates `count` products with three images each, then replaces the images of each twice
/// (every replacement supersedes three jobs and queues three new ones), interleaving updates
/// of older products with creations of newer ones, so that one product's events are spread
/// over the outbox.
void create_and_update(int64_t user, int count) {
    auto db = owner_connection();
    const std::string image_list =
        "array(select 'http://127.0.0.1:9/bridge-e2e/order/' || p.id || '/' || $2::int || '/' || i"
        " || '.jpg' from generate_series(1, 3) as i)";
    for (int round = 0; round < count / 50 + 2; ++round) {
        pqxx::work transaction(*db);
        if (round < count / 50) {
            transaction.exec_params(
                "select api.create_product(null, true, $1::bigint, 'order ' || g, '', 1,"
                " array(select 'http://127.0.0.1:9/bridge-e2e/order/new/' || $1 || '/' || g"
                "            || '/' || i || '.jpg' from generate_series(1, 3) as i))"
                "  from generate_series($2::int, $2::int + 49) as g",
                user, round * 50);
        }
        // Update the products created two and four rounds ago: their new events land far
        // from their first ones.
        for (const int back : {2, 4}) {
            if (round >= back) {
                transaction.exec_params(
                    "select api.update_product(null, true, p.id, p.name, '', 1, " + image_list +
                        ")"
                        "  from (select id, name from pms.products where user_id = $1"
                        "         order by id offset $3 limit 50) as p",
                    user, back, (round - back) * 50);
            }
        }
        transaction.commit();
        std::this_thread::sleep_for(milliseconds(20));
    }
}

TEST(Order, TwoBridgesKeepTheOrderOfEachProductsEvents) {
    const int64_t user = create_user(*owner_connection(), e2e::unique("bridge-order"));
    // Small batches, so that the two bridges take turns through every product's events.
    const Environment settings = {{"PMS_BRIDGE_BATCH", "7"}, {"PMS_BRIDGE_STATS_INTERVAL", "1"}};
    auto first = start_bridge(settings);
    auto second = start_bridge(settings);
    ASSERT_TRUE(first->wait_for_log("pms-bridge ready", seconds(30))) << first->log();
    ASSERT_TRUE(second->wait_for_log("pms-bridge ready", seconds(30))) << second->log();

    create_and_update(user, 1500);
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(90)));
    const auto jobs = jobs_of(*owner_connection(), user);
    const auto received = read_work_queue(Clock::now() + seconds(60));
    const Tally result = tally(jobs, received);
    std::cout << "[ two bridges ] " << result.expected << " image jobs of " << 1500 << " products, "
              << result.missing << " lost, " << result.duplicates << " duplicates" << std::endl;
    EXPECT_EQ(result.missing, 0U);

    // Per product, the first arrival of each job comes in job order (= event order).
    std::map<int64_t, int64_t> last_job;
    std::set<int64_t> seen;
    size_t out_of_order = 0;
    for (const Delivered& delivered : received) {
        if (jobs.count(delivered.job_id) == 0 || !seen.insert(delivered.job_id).second) {
            continue;
        }
        int64_t& last = last_job[delivered.product_id];
        if (delivered.job_id < last) {
            ++out_of_order;
        }
        last = std::max(last, delivered.job_id);
    }
    EXPECT_EQ(out_of_order, 0U) << "events of one product overtook each other";

    // Both bridges did part of the work (else this proved nothing about two bridges).
    for (auto* bridge : {first.get(), second.get()}) {
        bridge->signal(SIGTERM);
        bridge->wait(seconds(15));
        EXPECT_GT(bridge_testkit::count_lines(bridge->log(), "\"published_total\":") -
                      bridge_testkit::count_lines(bridge->log(), "\"published_total\":0,"),
                  0U)
            << "this bridge published nothing:\n"
            << bridge->log();
    }
}

}  // namespace
}  // namespace pms::bridge_e2e
