/// Where a page of products is cached: one seller's pages under that seller as PostgreSQL prints
/// the id (invalidations name sellers so), and never one key for two different queries.
#include <gtest/gtest.h>

#include <set>

#include "fcgi/input.hpp"
#include "fcgi/product_cache.hpp"

namespace pms::api {
namespace {

std::string key_of(const char* query) {
    const auto page = page_key(parse_list_filters(query));
    return page ? page->key : "";
}

TEST(PageKey, OnlyTheListsOfOneSellerAreCached) {
    EXPECT_FALSE(page_key(parse_list_filters("")));
    EXPECT_FALSE(page_key(parse_list_filters("min_price=1&limit=5")));
    const auto page = page_key(parse_list_filters("user_id=0042&limit=5"));
    ASSERT_TRUE(page);
    EXPECT_EQ(page->user_id, "42");
    EXPECT_EQ(page->key, key_of("limit=5&user_id=42"))
        << "the order of the parameters is not the page's";
    EXPECT_EQ(page_key(parse_list_filters("user_id=0"))->user_id, "0");
}

TEST(PageKey, DifferentQueriesNeverShareAKey) {
    const char* queries[] = {
        "user_id=1",
        "user_id=1&limit=20",
        "user_id=1&min_price=10",
        "user_id=1&max_price=10",
        "user_id=1&product_name=10",
        "user_id=1&cursor=10",
        "user_id=1&product_name=",
        // Text that looks like the key's own separators cannot make two queries meet.
        "user_id=1&cursor=a%3B-%3B&product_name=b",
        "user_id=1&cursor=a&product_name=-%3Bb",
        "user_id=1&product_name=a%3B-",
        "user_id=1&cursor=1%3Aa",
        "user_id=11",
        "user_id=1&min_price=1&max_price=2",
        "user_id=1&min_price=2&max_price=1",
    };
    std::set<std::string> keys;
    for (const char* query : queries) {
        EXPECT_TRUE(keys.insert(key_of(query)).second) << query << " shares a key";
    }
}

}  // namespace
}  // namespace pms::api
