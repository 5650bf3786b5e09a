/// The cached pages of a seller's products: every path that changes a seller's products drops
/// them, pms-api's own writes before it answers, and a slow reader cannot put an old page back.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "common/product_cache_layout.hpp"
#include "common/redis.hpp"
#include "fcgi/product_cache.hpp"
#include "tests/e2e/api/dba_renames.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

void run_sql(const std::string& sql, const std::string& first, const std::string& second = "") {
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::work work(connection);
    if (second.empty()) {
        work.exec_params(sql, first);
    } else {
        work.exec_params(sql, first, second);
    }
    work.commit();
}

std::string page_url(long long seller) {
    return api_url() + "/api/v1/products?user_id=" + std::to_string(seller) + "&limit=50";
}

std::string create_product(long long seller, const std::string& name) {
    const HttpResponse created =
        post_json(api_url() + "/api/v1/products", "{\"user_id\": " + std::to_string(seller) +
                                                      ", \"product_name\": \"" + name +
                                                      "\", \"product_price\": 1}");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json()["id"].asString();
}

/// The names on the seller's first page, newest first.
std::vector<std::string> names_of(const HttpResponse& page) {
    std::vector<std::string> names;
    const Json::Value body = page.json();
    for (const Json::Value& item : body["items"]) {
        names.push_back(item["product_name"].asString());
    }
    return names;
}

/// Reads the seller's page until `accept` holds on its names or `bound` passes.
bool page_shows(long long seller,
                const std::function<bool(const std::vector<std::string>&)>& accept,
                milliseconds bound) {
    const auto until = std::chrono::steady_clock::now() + bound;
    do {
        if (accept(names_of(get(page_url(seller))))) {
            return true;
        }
        std::this_thread::sleep_for(milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

/// The cache.invalidate events in the outbox that name `seller`.
long long events_naming(long long seller) {
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::read_transaction read(connection);
    return read
        .exec_params1(
            "select count(*) from pms.outbox as o where o.topic = 'cache.invalidate' "
            "and o.payload -> 'user_ids' @> to_jsonb($1::bigint)",
            seller)[0]
        .as<long long>();
}

/// Reads the page until the cache answers. (pms-bridge drops the pages of an API DELETE once more,
/// a moment after pms-api did: the database's event for it may arrive after the first read.)
HttpResponse cached_page(long long seller) {
    const auto until = std::chrono::steady_clock::now() + seconds(1);
    HttpResponse page = get(page_url(seller));
    while (page.header("x-cache") != "HIT" && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(milliseconds(10));
        page = get(page_url(seller));
    }
    EXPECT_EQ(page.header("x-cache"), "HIT") << "the page was not cached";
    return page;
}

using Names = std::vector<std::string>;

// pms-api drops the pages of its own writes before it answers: the client's next page shows them.
// Without pms-bridge, whose drop of the same pages would otherwise come a moment later.
TEST(PageCache, TheApisOwnWritesAreInTheNextPage) {
    struct WithoutBridge {
        WithoutBridge() { stack_control("stop", "pms-bridge"); }
        ~WithoutBridge() { stack_control("start", "pms-bridge"); }
    } without_bridge;
    const long long seller = create_user(unique("pages"));
    const std::string first = create_product(seller, "first");
    const HttpResponse miss = get(page_url(seller));
    EXPECT_EQ(miss.header("x-cache"), "MISS");
    EXPECT_EQ(names_of(cached_page(seller)), Names{"first"});

    create_product(seller, "second");
    const HttpResponse after_post = get(page_url(seller));
    EXPECT_EQ(after_post.header("x-cache"), "MISS");
    EXPECT_EQ(names_of(after_post), (Names{"second", "first"}));

    cached_page(seller);
    const std::string url = api_url() + "/api/v1/products/" + first;
    ASSERT_EQ(put_json(url, R"({"product_name": "first renamed", "product_price": 2})").status,
              200);
    EXPECT_EQ(names_of(get(page_url(seller))), (Names{"second", "first renamed"}));
    // pms-api froze the pages in Redis before each COMMIT, so the database announced none of it.
    EXPECT_EQ(events_naming(seller), 0);

    cached_page(seller);
    ASSERT_EQ(request("DELETE", url).status, 204);
    EXPECT_EQ(names_of(get(page_url(seller))), Names{"second"});
}

// A DBA's SQL reaches the cache through the outbox and pms-bridge.
TEST(PageCache, ADbasInsertUpdateAndDeleteAreSeenWithinOneSecond) {
    const long long seller = create_user(unique("dba pages"));
    const std::string id = create_product(seller, "made by the API");
    cached_page(seller);

    run_sql("insert into pms.products (user_id, name, price) values ($1, 'made in psql', 1)",
            std::to_string(seller));
    EXPECT_TRUE(page_shows(
        seller,
        [](const Names& names) {
            return names == Names{"made in psql", "made by the API"};
        },
        seconds(1)))
        << "the cached page outlived a DBA's INSERT by more than a second";

    cached_page(seller);
    run_sql("update pms.products set name = 'renamed in psql' where id = $1", id);
    EXPECT_TRUE(page_shows(
        seller,
        [](const Names& names) {
            return names == Names{"made in psql", "renamed in psql"};
        },
        seconds(1)))
        << "the cached page outlived a DBA's UPDATE by more than a second";

    cached_page(seller);
    run_sql("delete from pms.products where id = $1", id);
    EXPECT_TRUE(page_shows(
        seller, [](const Names& names) { return names == Names{"made in psql"}; }, seconds(1)))
        << "the cached page outlived a DBA's DELETE by more than a second";
}

TEST(PageCache, AProductGivenToAnotherSellerLeavesOnePageAndJoinsTheOther) {
    const long long from = create_user(unique("giver"));
    const long long to = create_user(unique("taker"));
    const std::string id = create_product(from, "given away");
    create_product(to, "kept");
    cached_page(from);
    cached_page(to);

    run_sql("update pms.products set user_id = $1 where id = $2", std::to_string(to), id);
    EXPECT_TRUE(page_shows(
        from, [](const Names& names) { return names.empty(); }, seconds(1)));
    EXPECT_TRUE(page_shows(
        to,
        [](const Names& names) {
            return names == Names{"kept", "given away"};  // newest first
        },
        seconds(1)));
}

TEST(PageCache, NoCacheAsksPostgresqlAndListsOfEveryoneAreNotCached) {
    const long long seller = create_user(unique("no-cache pages"));
    create_product(seller, "real");
    cached_page(seller);
    // A page stored under the seller's generation answers as it is: plant one to tell the two
    // answers apart.
    api::ListFilters filters;
    filters.user_id = std::to_string(seller);
    filters.limit = "50";
    const auto key = api::page_key(filters);
    ASSERT_TRUE(key);
    redis::Connection redis(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(2));
    const std::string generation(
        redis.command({"GET", cache::list_generation_key(key->user_id)}).text());
    ASSERT_FALSE(generation.empty());
    redis.command({"SET", key->key, generation + "\n{\"items\": [], \"next_cursor\": null}"});
    EXPECT_EQ(names_of(get(page_url(seller))), Names{});

    const HttpResponse fresh =
        request("GET", page_url(seller), "", "", {{"Cache-Control", "no-cache"}});
    EXPECT_EQ(fresh.header("x-cache"), "MISS");
    EXPECT_EQ(names_of(fresh), Names{"real"});

    const HttpResponse everyone = get(api_url() + "/api/v1/products?limit=5");
    EXPECT_EQ(everyone.status, 200);
    EXPECT_EQ(everyone.header("x-cache"), "");
}

/// Two caches on two connections, like two children: the interleavings are forced.
class StalePageRace : public ::testing::Test {
protected:
    StalePageRace()
        : reader_(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(60)),
          writer_(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(60)) {
        // A seller far above any real user: these entries never meet the API's own.
        filters_.user_id = std::to_string(
            9'000'000'000'000LL +
            std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000'000LL);
        page_ = *api::page_key(filters_);
    }

    /// The page through `cache`, read as `json` from "PostgreSQL" while `meanwhile` runs. The
    /// store is sent without waiting for Redis; a round trip after it makes sure Redis took it, so
    /// that the order of the steps is the test's, not the sockets'.
    std::string read(
        api::ProductCache& cache, const std::string& json,
        const std::function<void()>& meanwhile = [] {}) {
        bool hit = false;
        std::string page = cache.page(
            page_,
            [&] {
                meanwhile();
                return json;
            },
            hit);
        cache.ping();
        return page;
    }

    /// From `freeze` on, until the writer's drop after its COMMIT, no page answers and none is
    /// stored; after the drop pages are cached again.
    void expect_frozen_until_the_drop(const std::function<bool()>& freeze) {
        EXPECT_EQ(read(reader_, "old"), "old");
        ASSERT_TRUE(freeze());
        EXPECT_EQ(read(reader_, "during the commit"), "during the commit");
        EXPECT_EQ(read(reader_, "still during it"), "still during it") << "a page was stored";
        writer_.invalidate_pages({page_.user_id});
        EXPECT_EQ(read(reader_, "after"), "after");
        EXPECT_EQ(read(writer_, "never read"), "after");
    }

    api::ProductCache reader_;
    api::ProductCache writer_;
    api::ListFilters filters_;
    api::PageKey page_;
};

TEST_F(StalePageRace, APageIsReadOnceThenServedFromTheCache) {
    EXPECT_EQ(read(reader_, "v1"), "v1");
    EXPECT_EQ(read(writer_, "never read"), "v1");
}

TEST_F(StalePageRace, AnInvalidationDuringTheReadWins) {
    // Read before the write committed, stored after its invalidation: never served.
    EXPECT_EQ(read(reader_, "old", [&] { writer_.invalidate_pages({page_.user_id}); }), "old");
    EXPECT_EQ(read(writer_, "new"), "new");
    EXPECT_EQ(read(reader_, "never read"), "new");
}

TEST_F(StalePageRace, ALateStoreOfAnOldPageIsNeverServed) {
    // The old reader stores last, over the new reader's page: a miss, never the old page.
    EXPECT_EQ(read(reader_, "old",
                   [&] {
                       writer_.invalidate_pages({page_.user_id});
                       EXPECT_EQ(read(writer_, "new"), "new");
                   }),
              "old");
    reader_.ping();  // the store is sent without waiting: a round trip after it has it done
    EXPECT_EQ(read(writer_, "newest"), "newest");
}

// A PUT freezes its sellers' pages with its products' floors before its COMMIT, and drops them
// after it: in between, no page answers and none is stored, so a pms-api that dies after its
// COMMIT leaves no page older than it behind once the freeze ends.
TEST_F(StalePageRace, APutsFreezeKeepsPagesOutOfTheCacheUntilItsDrop) {
    expect_frozen_until_the_drop([&] {
        return writer_.invalidate({{filters_.user_id.value_or(""), "1", page_.user_id}});
    });
}

// A POST freezes the pages of the sellers it may give products to before its statement.
TEST_F(StalePageRace, APostsFreezeKeepsPagesOutOfTheCacheUntilItsDrop) {
    expect_frozen_until_the_drop([&] { return writer_.freeze_pages({page_.user_id}); });
}

TEST_F(StalePageRace, AnInvalidationAfterTheStoreDropsThePage) {
    EXPECT_EQ(read(reader_, "old"), "old");
    writer_.invalidate_pages({page_.user_id});
    EXPECT_EQ(read(reader_, "new"), "new");
}

// The same race for real: readers miss and fill while a DBA keeps renaming the seller's product.
// Once the writes stop and their invalidations arrived, the page must show the last name, and
// keep showing it.
TEST(StalePageRaceThroughTheApi, ThePageEndsWithTheLastCommittedState) {
    const long long seller = create_user(unique("raced pages"));
    const std::string id = create_product(seller, "name 0");
    rename_while_reading(page_url(seller), id, 200);
    ASSERT_TRUE(page_shows(
        seller, [](const Names& names) { return names == Names{"name 200"}; }, seconds(2)))
        << "never showed the last name";
    std::this_thread::sleep_for(milliseconds(300));
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(names_of(get(page_url(seller))), Names{"name 200"});
    }
}

}  // namespace
}  // namespace pms::e2e
