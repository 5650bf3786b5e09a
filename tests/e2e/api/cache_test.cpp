/// The product cache: every path that changes a product invalidates it, a slow reader cannot put
/// an old copy back, and the request id and the metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/redis.hpp"
#include "fcgi/product_cache.hpp"
#include "tests/e2e/api/dba_renames.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace pms::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string owner_url() {
    return setting("PMS_DATABASE_URL").c_str();
}

std::string create_product(const std::string& name) {
    const long long user = create_user(unique("cache"));
    const HttpResponse created =
        post_json(api_url() + "/api/v1/products", "{\"user_id\": " + std::to_string(user) +
                                                      ", \"product_name\": \"" + name +
                                                      "\", \"product_price\": 1}");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json()["id"].asString();
}

/// GETs the product until `accept` holds or `bound` passes; returns how long it took.
std::optional<milliseconds> time_until(const std::string& id,
                                       const std::function<bool(const HttpResponse&)>& accept,
                                       milliseconds bound) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < bound) {
        if (accept(get(api_url() + "/api/v1/products/" + id))) {
            return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                            start);
        }
        std::this_thread::sleep_for(milliseconds(20));
    }
    return std::nullopt;
}

void run_sql(const std::string& sql, const std::string& id) {
    pqxx::connection connection(owner_url());
    pqxx::work work(connection);
    work.exec_params(sql, id);
    work.commit();
}

TEST(CacheInvalidation, ADirectSqlUpdateIsSeenWithinOneSecond) {
    const std::string id = create_product("Before the DBA");
    ASSERT_EQ(get(api_url() + "/api/v1/products/" + id).status, 200);
    ASSERT_EQ(get(api_url() + "/api/v1/products/" + id).header("x-cache"), "HIT");

    run_sql("update pms.products set name = 'Renamed in psql' where id = $1", id);
    const auto seen = time_until(
        id,
        [](const HttpResponse& r) {
            return r.json()["product_name"].asString() == "Renamed in psql";
        },
        seconds(1));
    ASSERT_TRUE(seen) << "the cached copy outlived a DBA's UPDATE by more than a second";
    RecordProperty("update_seen_after_ms", static_cast<int>(seen->count()));
}

// pms-api invalidates a PUT's product before its COMMIT and then writes no cache.invalidate event.
// When Redis cannot take the invalidation, the PUT must still commit, and the cached copy must
// still go: the batch runs again with the database's event, which pms-bridge delivers once Redis
// takes writes again.
TEST(CacheInvalidation, APutWhileRedisRefusesWritesIsSeenOnceItTakesThemAgain) {
    const std::string id = create_product("before");
    const std::string url = api_url() + "/api/v1/products/" + id;
    get(url);
    ASSERT_EQ(get(url).header("x-cache"), "HIT");
    redis::Connection admin(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(2));
    // Reads go on (the copy is still served), writes wait: longer than pms-api's Redis timeout.
    ASSERT_EQ(admin.command({"CLIENT", "PAUSE", "1500", "WRITE"}).text(), "OK");
    const HttpResponse put = put_json(url, "{\"product_name\": \"after\", \"product_price\": 1}");
    EXPECT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.json()["product_name"].asString(), "after");
    EXPECT_TRUE(time_until(
        id, [](const HttpResponse& r) { return r.json()["product_name"].asString() == "after"; },
        seconds(5)))
        << "the cached copy outlived the PUT";
}

TEST(CacheInvalidation, ADirectSqlDeleteIsSeenWithinOneSecond) {
    const std::string id = create_product("Deleted in psql");
    ASSERT_EQ(get(api_url() + "/api/v1/products/" + id).status, 200);
    ASSERT_EQ(get(api_url() + "/api/v1/products/" + id).header("x-cache"), "HIT");

    run_sql("delete from pms.products where id = $1", id);
    EXPECT_TRUE(time_until(
        id, [](const HttpResponse& r) { return r.status == 404; }, seconds(1)))
        << "the cached copy outlived a DBA's DELETE by more than a second";
}

/// Two caches on two connections: one reads and fills like a child, the other invalidates like
/// pms-bridge or another child. The interleavings are forced, not left to chance.
class TwoCaches : public ::testing::Test {
protected:
    TwoCaches()
        : reader_(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(60)),
          writer_(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(60)),
          // Ids far above any real product: these entries never meet the API's own.
          id_(std::to_string(9'000'000'000'000LL +
                             std::chrono::steady_clock::now().time_since_epoch().count() %
                                 1'000'000'000LL)) {}

    api::ProductCache reader_;
    api::ProductCache writer_;
    std::string id_;
};
using StaleCopyRace = TwoCaches;
using BatchedReads = TwoCaches;

TEST_F(StaleCopyRace, AnInvalidationDuringTheReadWins) {
    // The reader read version 1 from PostgreSQL; version 2 commits and is invalidated before
    // the reader stores what it read.
    writer_.invalidate(id_, "2");
    EXPECT_FALSE(reader_.fill(id_, "{\"version\": 1}", "1"));
    EXPECT_FALSE(reader_.get(id_));
    EXPECT_TRUE(reader_.fill(id_, "{\"version\": 2}", "2"));
    EXPECT_EQ(reader_.get(id_), "{\"version\": 2}");
}

TEST_F(StaleCopyRace, AnInvalidationBetweenCheckAndStoreWins) {
    reader_.fill(id_, "{\"version\": 1}", "1");
    writer_.invalidate(id_, "2");
    // The reader checked the floor (still 2 = its version: fine)... then version 3 commits.
    reader_.begin_fill(id_);
    writer_.invalidate(id_, "3");
    EXPECT_FALSE(reader_.finish_fill(id_, "{\"version\": 2}", "2"));
    EXPECT_FALSE(reader_.get(id_)) << "an old copy was put back after the invalidation";
}

TEST_F(StaleCopyRace, AnInvalidationAfterTheStoreRemovesTheCopy) {
    EXPECT_TRUE(reader_.fill(id_, "{\"version\": 5}", "5"));
    writer_.invalidate(id_, "6");
    EXPECT_FALSE(reader_.get(id_));
    EXPECT_FALSE(reader_.fill(id_, "{\"version\": 5}", "5"));
}

TEST_F(StaleCopyRace, ALateOlderInvalidationDoesNotLowerTheFloor) {
    writer_.invalidate(id_, "9");
    writer_.invalidate(id_, "8");  // delivered out of order, e.g. by a second bridge
    EXPECT_FALSE(reader_.fill(id_, "{\"version\": 8}", "8"));
    EXPECT_TRUE(reader_.fill(id_, "{\"version\": 9}", "9"));
}

TEST_F(StaleCopyRace, ADeletedProductIsNeverCachedAgain) {
    writer_.invalidate(id_, "+inf");
    EXPECT_FALSE(reader_.fill(id_, "{\"version\": 1000000}", "1000000"));
    EXPECT_FALSE(reader_.get(id_));
}

TEST_F(BatchedReads, OneFetchAnswersEveryProductOfTheBatch) {
    const std::string other = id_ + "1";
    const std::string missing = id_ + "2";
    ASSERT_TRUE(writer_.fill(id_, "{\"id\": 1}", "1"));
    ASSERT_TRUE(writer_.fill(other, "{\"id\": 2}", "1"));
    for (const std::string& id : {id_, other, missing, id_}) {
        reader_.prefetch(id);
    }
    reader_.fetch_prefetched();
    EXPECT_EQ(reader_.get(id_), "{\"id\": 1}");
    EXPECT_EQ(reader_.get(id_), "{\"id\": 1}") << "two requests of a batch for one product";
    EXPECT_EQ(reader_.get(other), "{\"id\": 2}");
    EXPECT_FALSE(reader_.get(missing));
    reader_.end_batch();
}

TEST_F(BatchedReads, AWriteInTheBatchHidesWhatWasFetched) {
    ASSERT_TRUE(writer_.fill(id_, "{\"version\": 1}", "1"));
    reader_.prefetch(id_);
    reader_.fetch_prefetched();
    // A PUT of the batch commits version 2; a GET handled after it must not see version 1.
    reader_.invalidate(id_, "2");
    EXPECT_FALSE(reader_.get(id_));
    reader_.end_batch();
}

TEST_F(BatchedReads, NothingFetchedOutlivesItsBatch) {
    ASSERT_TRUE(writer_.fill(id_, "{\"version\": 1}", "1"));
    reader_.prefetch(id_);
    reader_.fetch_prefetched();
    reader_.end_batch();
    writer_.invalidate(id_, "2");  // another child or pms-bridge, between two batches
    EXPECT_FALSE(reader_.get(id_)) << "a copy fetched for an earlier batch was served";
}

TEST_F(BatchedReads, OneFillStoresEachCopyUnlessItsFloorIsNewer) {
    const std::string other = id_ + "1";
    const std::string stale = id_ + "2";
    writer_.invalidate(stale, "7");  // version 7 committed after this copy of version 6 was read
    EXPECT_EQ(reader_.fill({{id_, "{\"id\": 1}", "1"},
                            {other, "{\"id\": 2}", "3"},
                            {stale, "{\"version\": 6}", "6"}}),
              2U);
    EXPECT_EQ(reader_.get(id_), "{\"id\": 1}");
    EXPECT_EQ(reader_.get(other), "{\"id\": 2}");
    EXPECT_FALSE(reader_.get(stale));
}

TEST_F(BatchedReads, AnInvalidationDuringABatchFillStoresNothing) {
    const std::string other = id_ + "1";
    const std::vector<api::ProductCache::Fill> fills{{id_, "{\"version\": 1}", "1"},
                                                     {other, "{\"version\": 1}", "1"}};
    reader_.begin_fill(fills);
    writer_.invalidate(other, "2");
    EXPECT_EQ(reader_.finish_fill(fills), 0U);
    EXPECT_FALSE(reader_.get(other)) << "an old copy was put back after the invalidation";
}

// Many uncached GETs at once reach a child together and are read with one database call: each
// must get its own product, and a missing one its 404, whatever else shares its batch.
TEST(BatchedReadsThroughTheApi, EachConcurrentGetGetsItsOwnProduct) {
    std::vector<std::string> ids;
    ids.reserve(16);
    for (int i = 0; i < 16; ++i) {
        ids.push_back(create_product("batched " + std::to_string(i)));
    }
    std::atomic<int> wrong{0};
    std::vector<std::thread> readers;
    readers.reserve(16);
    for (int r = 0; r < 16; ++r) {
        readers.emplace_back([&, r] {
            for (int round = 0; round < 20; ++round) {
                const std::string& id = ids[static_cast<size_t>((r + round) % 16)];
                const HttpResponse fresh = request("GET", api_url() + "/api/v1/products/" + id, "",
                                                   "", {{"Cache-Control", "no-cache"}});
                const HttpResponse any = get(api_url() + "/api/v1/products/" + id);
                const HttpResponse missing = get(api_url() + "/api/v1/products/9" + id + "000000");
                if (fresh.status != 200 || fresh.json()["id"].asString() != id ||
                    any.status != 200 || any.json()["id"].asString() != id ||
                    missing.status != 404) {
                    ++wrong;
                }
            }
        });
    }
    for (std::thread& reader : readers) {
        reader.join();
    }
    EXPECT_EQ(wrong.load(), 0);
}

// The same race for real: readers miss and fill while a DBA keeps renaming the product. Once
// the writes stop and their invalidations arrived, the cache must hold the last name.
TEST(StaleCopyRaceThroughTheApi, TheCacheEndsWithTheLastCommittedState) {
    const std::string id = create_product("name 0");
    const std::string url = api_url() + "/api/v1/products/" + id;
    rename_while_reading(url, id, 200);
    const auto settled = time_until(
        id, [](const HttpResponse& r) { return r.json()["product_name"].asString() == "name 200"; },
        seconds(2));
    ASSERT_TRUE(settled) << "never showed the last name";
    // And it stays: what is cached now is the last state, not an older copy put back late.
    std::this_thread::sleep_for(milliseconds(300));
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(get(url).json()["product_name"].asString(), "name 200");
    }
}

TEST(RequestId, FollowsAnImageFromThePostToTheWorker) {
    const std::string request_id = unique("e2e-trace");
    const long long user = create_user(unique("trace"));
    gd::Image image = gd::Image::blank(640, 480);
    const std::string url = publish_on_origin(unique("trace") + ".jpg", image.encode_jpeg(85));
    const HttpResponse created = request(
        "POST", api_url() + "/api/v1/products",
        "{\"user_id\": " + std::to_string(user) +
            ", \"product_name\": \"Traced\", \"product_price\": 1, \"product_images\": [\"" + url +
            "\"]}",
        "application/json", {{"X-Request-Id", request_id}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("x-request-id"), request_id);
    const std::string id = created.json()["id"].asString();
    ASSERT_TRUE(time_until(
        id, [](const HttpResponse& r) { return r.json()["image_status"].asString() == "done"; },
        seconds(60)));

    // The worker logged the job under the id the client sent: it travelled through the
    // database function, the outbox row and the RabbitMQ message.
    std::ifstream log(setting("PMS_STACK_DIR") + "/logs/pms-worker.log");
    std::string line;
    bool found = false;
    while (std::getline(log, line)) {
        found = found || line.find("\"request_id\":\"" + request_id + "\"") != std::string::npos;
    }
    EXPECT_TRUE(found) << "no pms-worker log line carries request id " << request_id;
}

/// The value of one sample line of the Prometheus text, 0 when absent.
double sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(series + " ", 0) == 0) {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return 0;
}

TEST(Metrics, CountRequestsOfEveryChildAndTheCache) {
    const std::string health = R"(pms_api_requests_total{route="GET /health",status="200"})";
    const std::string hits = R"(pms_api_cache_requests_total{result="hit"})";
    const std::string near = "pms_api_near_cache_copies_total";
    const std::string id = create_product("Counted");
    get(api_url() + "/api/v1/products/" + id);  // cached

    const HttpResponse before = get(api_url() + "/metrics");
    ASSERT_EQ(before.status, 200);
    EXPECT_EQ(before.header("content-type").rfind("text/plain", 0), 0U);
    for (int i = 0; i < 40; ++i) {
        ASSERT_EQ(get(api_url() + "/health").status, 200);
        ASSERT_EQ(get(api_url() + "/api/v1/products/" + id).header("x-cache"), "HIT");
    }
    const std::string after = get(api_url() + "/metrics").body;
    // 40 requests spread over the children, all counted wherever they landed.
    EXPECT_EQ(sample(after, health) - sample(before.body, health), 40);
    EXPECT_EQ(sample(after, hits) - sample(before.body, hits), 40);
    // Each child reads the product from Redis once (again after a second); its near cache
    // answers the rest.
    EXPECT_GE(sample(after, near) - sample(before.body, near), 20);
    EXPECT_NE(
        after.find(R"(pms_api_request_duration_seconds_bucket{route="GET /health",le="+Inf"})"),
        std::string::npos);
}

}  // namespace
}  // namespace pms::e2e
