/// A child's near cache against the real Redis: a copy answers without Redis, and every way a
/// copy can go wrong (another writer, a flush, a connection Redis closed, tracking refused) makes
/// the next batch ask Redis again; through the API, no GET after a PUT's answer sees the old copy.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/product_cache_layout.hpp"
#include "common/redis.hpp"
#include "fcgi/product_cache.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

redis::Endpoint endpoint() {
    return redis::Endpoint::parse(setting("PMS_REDIS_URL"));
}

class NearCopies : public ::testing::Test {
protected:
    NearCopies()
        : reader_(endpoint(), seconds(60), 1U << 20U),
          admin_(endpoint(), seconds(5)),
          // Ids far above any real product: these entries never meet the API's own.
          id_(std::to_string(9'100'000'000'000LL +
                             std::chrono::steady_clock::now().time_since_epoch().count() %
                                 1'000'000'000LL)),
          key_(cache::product_key(id_)) {
        // As pms-api does (common/stop_signal.hpp): a write to a connection Redis closed fails
        // with EPIPE, which the cache handles, instead of killing the process.
        std::signal(SIGPIPE, SIG_IGN);
    }

    /// The ids of Redis's clients, and for each the client its tracking messages go to (-1: none).
    std::map<long long, long long> clients() {
        std::map<long long, long long> redirects;
        const std::string list(admin_.command({"CLIENT", "LIST"}).text());
        static const std::regex kClient(R"(id=(\d+) .* redir=(-?\d+))");
        for (std::sregex_iterator it(list.begin(), list.end(), kClient), end; it != end; ++it) {
            redirects[std::stoll((*it)[1])] = std::stoll((*it)[2]);
        }
        return redirects;
    }

    /// What one batch of `cache` gets for each of `ids`.
    static std::vector<std::optional<std::string>> read_batch(api::ProductCache& cache,
                                                              const std::vector<std::string>& ids) {
        for (const std::string& id : ids) {
            cache.prefetch(id);
        }
        cache.fetch_prefetched();
        std::vector<std::optional<std::string>> copies;
        copies.reserve(ids.size());
        for (const std::string& id : ids) {
            copies.push_back(cache.get(id));
        }
        cache.end_batch();
        return copies;
    }
    std::optional<std::string> read_batch() { return read_batch(reader_, {id_})[0]; }
    /// Reads `ids` in two batches: the second read of a product is the one a near cache keeps
    /// (NearCache::admit). What the second got.
    static std::vector<std::optional<std::string>> read_twice(api::ProductCache& cache,
                                                              const std::vector<std::string>& ids) {
        read_batch(cache, ids);
        return read_batch(cache, ids);
    }
    std::optional<std::string> read_twice() { return read_twice(reader_, {id_})[0]; }

    void set(const std::string& value) {
        ASSERT_EQ(admin_.command({"SET", key_, value, "EX", "60"}).text(), "OK");
        settle();
    }

    /// Redis writes an invalidation message in the same turn of its event loop as its answer to
    /// the writer, possibly just after it. A real writer's next step takes far longer (a PUT's
    /// COMMIT, then its HTTP answer); here a round trip after the write makes sure that turn ended.
    void settle() { ASSERT_EQ(admin_.command({"PING"}).text(), "PONG"); }

    api::ProductCache reader_;
    redis::Connection admin_;
    /// Before the reader connected (it connects at its first batch).
    std::map<long long, long long> others_ = clients();
    std::string id_;
    std::string key_;
};

TEST_F(NearCopies, ACopyAnswersWithoutAskingRedis) {
    set("v1");
    ASSERT_EQ(read_twice(), "v1");
    // Paused, Redis would hold the reader's MGET past its 200 ms timeout: a miss.
    ASSERT_EQ(admin_.command({"CLIENT", "PAUSE", "1000", "ALL"}).text(), "OK");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(read_batch(), "v1");
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(100));
    admin_.command({"CLIENT", "UNPAUSE"});
}

TEST_F(NearCopies, AChangeByAnotherConnectionReachesTheNextBatch) {
    set("v1");
    ASSERT_EQ(read_twice(), "v1");
    set("v2");
    EXPECT_EQ(read_twice(), "v2");
    api::ProductCache writer(endpoint(), seconds(60));
    writer.invalidate(id_, "3");  // as a PUT before its COMMIT, or pms-bridge
    settle();
    EXPECT_FALSE(read_batch());
}

TEST_F(NearCopies, EveryCopyOfABatchIsKeptAndDroppedOnItsOwn) {
    const std::string other = id_ + "1";
    set("v1");
    ASSERT_EQ(admin_.command({"SET", cache::product_key(other), "w1", "EX", "60"}).text(), "OK");
    ASSERT_EQ(read_twice(reader_, {id_, other})[1], "w1");
    ASSERT_EQ(admin_.command({"SET", cache::product_key(other), "w2", "EX", "60"}).text(), "OK");
    settle();
    const std::vector<std::optional<std::string>> copies = read_batch(reader_, {id_, other});
    EXPECT_EQ(copies[0], "v1");
    EXPECT_EQ(copies[1], "w2");
    EXPECT_EQ(reader_.near_copies_fetched(), 1U) << "id_ from its copy, the other from Redis";
}

TEST_F(NearCopies, AFlushDropsThemAll) {
    set("v1");
    ASSERT_EQ(read_twice(), "v1");
    ASSERT_EQ(admin_.command({"FLUSHDB"}).text(), "OK");
    settle();
    EXPECT_FALSE(read_batch());
}

TEST_F(NearCopies, AConnectionRedisClosedDropsThem) {
    set("v1");
    ASSERT_EQ(read_twice(), "v1");
    // The reader's tracked connection, closed as Redis's idle timeout or an operator would:
    // Redis forgets what it tracked, so the change below sends the reader nothing. (Its other
    // connection, where the messages go, stays.)
    std::string tracked;
    for (const auto& [id, redirect] : clients()) {
        if (others_.count(id) == 0 && redirect >= 0 && others_.count(redirect) == 0) {
            tracked = std::to_string(id);
        }
    }
    ASSERT_FALSE(tracked.empty()) << "the reader's tracked connection is not in CLIENT LIST";
    ASSERT_EQ(admin_.command({"CLIENT", "KILL", "ID", tracked}).integer(), 1);
    set("v2");
    // Found closed before its next use, and replaced at once.
    EXPECT_EQ(read_batch(), "v2") << "a copy outlived the connection that kept it right";
}

/// With an ACL that refuses tracking, Redis alone answers (and a change is seen at once).
TEST_F(NearCopies, RefusedTrackingLeavesRedisToAnswer) {
    ASSERT_EQ(admin_.command({"ACL", "SETUSER", "default", "-client|tracking"}).text(), "OK");
    api::ProductCache refused(endpoint(), seconds(60), 1U << 20U);
    set("v1");
    const std::optional<std::string> read = read_twice(refused, {id_})[0];
    ASSERT_EQ(admin_.command({"ACL", "SETUSER", "default", "+client|tracking"}).text(), "OK");
    EXPECT_EQ(read, "v1");
    ASSERT_EQ(admin_.command({"CLIENT", "PAUSE", "1000", "ALL"}).text(), "OK");
    const std::optional<std::string> paused = read_batch(refused, {id_})[0];
    admin_.command({"CLIENT", "UNPAUSE"});
    EXPECT_FALSE(paused) << "a copy was kept without Redis tracking it";
}

// Every child holds the product (many GETs at once reach both), then a PUT is answered: each GET
// sent after that answer, on any child, must show the PUT. The invalidation message reaches the
// other child while the PUT still commits and answers; this races the two for real.
TEST(NearCopiesThroughTheApi, NoGetAfterAPutsAnswerSeesTheOldCopy) {
    const long long user = create_user(unique("near"));
    const HttpResponse created =
        post_json(api_url() + "/api/v1/products",
                  "{\"user_id\": " + std::to_string(user) +
                      ", \"product_name\": \"name 0\", \"product_price\": 1}");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string url = api_url() + created.header("location");
    // Several GETs at once on their own connections, as clients send them: the names they saw,
    // and how many the cache answered.
    const auto read_together = [&](std::vector<std::string>& names, int& hits) {
        std::vector<HttpResponse> answers(8);
        std::vector<std::thread> readers;
        readers.reserve(answers.size());
        for (HttpResponse& answer : answers) {
            readers.emplace_back([&answer, &url] { answer = get(url); });
        }
        for (std::thread& reader : readers) {
            reader.join();
        }
        for (const HttpResponse& answer : answers) {
            names.push_back(answer.status == 200 ? answer.json()["product_name"].asString()
                                                 : "status " + std::to_string(answer.status));
            hits += answer.header("x-cache") == "HIT" ? 1 : 0;
        }
    };
    int stale = 0;
    int warm_hits = 0;
    for (int round = 1; round <= 30; ++round) {
        std::vector<std::string> warm;
        read_together(warm, warm_hits);
        const std::string name = "name " + std::to_string(round);
        const HttpResponse put =
            put_json(url, "{\"product_name\": \"" + name + "\", \"product_price\": 1}");
        ASSERT_EQ(put.status, 200) << put.body;
        std::vector<std::string> after;
        int hits = 0;
        read_together(after, hits);
        for (const std::string& seen : after) {
            if (seen != name) {
                ++stale;
                ADD_FAILURE() << "round " << round << ": a GET after the PUT saw '" << seen << "'";
            }
        }
    }
    EXPECT_EQ(stale, 0);
    // The copies were there to go wrong: most warm-up GETs were answered by the cache.
    EXPECT_GT(warm_hits, 30 * 8 / 2);
}

}  // namespace
}  // namespace pms::e2e
