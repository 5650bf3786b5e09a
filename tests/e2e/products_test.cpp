/// The product routes through nginx: create, read (with the cache), list, update, delete.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

HttpResponse create_product(long long user, const std::string& name, const std::string& price) {
    return post_json(api_url() + "/api/v1/products", "{\"user_id\": " + std::to_string(user) +
                                                         ", \"product_name\": \"" + name +
                                                         "\", \"product_price\": " + price + "}");
}

TEST(Products, CreateReturnsTheProductWithLocation) {
    const long long user = create_user(unique("create"));
    const HttpResponse created = create_product(user, "Desk lamp", "19.99");
    ASSERT_EQ(created.status, 201) << created.body;
    const Json::Value product = created.json();
    EXPECT_EQ(created.header("location"), "/api/v1/products/" + product["id"].asString());
    EXPECT_EQ(product["user_id"].asInt64(), user);
    EXPECT_EQ(product["product_name"].asString(), "Desk lamp");
    // The price is the decimal the client sent, not a float approximation of it.
    EXPECT_NE(created.body.find("19.99"), std::string::npos) << created.body;
    EXPECT_EQ(product["product_description"].asString(), "");
    EXPECT_EQ(product["product_images"].size(), 0U);
    EXPECT_EQ(product["image_status"].asString(), "done");
    EXPECT_TRUE(product["created_at"].isString());
    EXPECT_FALSE(created.header("x-request-id").empty());
}

TEST(Products, GetIsCachedAndUpdatesInvalidateIt) {
    const long long user = create_user(unique("cache"));
    const HttpResponse created = create_product(user, "Chair", "10.00");
    ASSERT_EQ(created.status, 201);
    const std::string url = api_url() + created.header("location");

    const HttpResponse first = get(url);
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.header("x-cache"), "MISS");
    const HttpResponse second = get(url);
    EXPECT_EQ(second.header("x-cache"), "HIT");
    EXPECT_EQ(second.body, first.body);
    const HttpResponse fresh = request("GET", url, "", "", {{"Cache-Control", "no-cache"}});
    EXPECT_EQ(fresh.header("x-cache"), "MISS") << "no-cache asks for the database's answer";
    EXPECT_EQ(fresh.body, first.body);

    const HttpResponse updated =
        put_json(url, R"({"product_name": "Armchair", "product_price": 12.5})");
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.json()["product_name"].asString(), "Armchair");

    const HttpResponse after = get(url);
    EXPECT_EQ(after.status, 200);
    EXPECT_EQ(after.header("x-cache"), "MISS");
    EXPECT_EQ(after.json()["product_name"].asString(), "Armchair");
    EXPECT_NE(after.body.find("\"product_price\": 12.50"), std::string::npos) << after.body;
}

TEST(Products, ListFiltersByPriceAndNameAndPages) {
    const long long user = create_user(unique("list"));
    ASSERT_EQ(create_product(user, "Red Lamp", "5").status, 201);
    ASSERT_EQ(create_product(user, "Blue lamp", "15").status, 201);
    ASSERT_EQ(create_product(user, "Green chair", "25").status, 201);
    ASSERT_EQ(create_product(user, "100% lamp_shade", "35").status, 201);
    const std::string base = api_url() + "/api/v1/products?user_id=" + std::to_string(user);

    const Json::Value all = get(base).json();
    ASSERT_EQ(all["items"].size(), 4U);
    EXPECT_EQ(all["items"][0]["product_name"].asString(), "100% lamp_shade") << "newest first";
    EXPECT_TRUE(all["next_cursor"].isNull());

    const Json::Value priced = get(base + "&min_price=5&max_price=15").json();
    ASSERT_EQ(priced["items"].size(), 2U);
    const Json::Value aliased = get(base + "&price_min=15&price_max=25").json();
    EXPECT_EQ(aliased["items"].size(), 2U);

    const Json::Value lamps = get(base + "&product_name=LAMP").json();
    EXPECT_EQ(lamps["items"].size(), 3U) << "case-insensitive substring";
    const Json::Value literal = get(base + "&product_name=0%25%20lamp_").json();
    ASSERT_EQ(literal["items"].size(), 1U) << "% and _ match literally";

    std::set<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        const Json::Value body =
            get(base + "&limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor)).json();
        for (const Json::Value& item : body["items"]) {
            seen.insert(item["id"].asString());
        }
        if (body["next_cursor"].isNull()) {
            break;
        }
        cursor = body["next_cursor"].asString();
    }
    EXPECT_EQ(seen.size(), 4U) << "keyset pages cover every product once";
}

TEST(Products, DeleteRemovesTheProduct) {
    const long long user = create_user(unique("delete"));
    const HttpResponse created = create_product(user, "Stool", "3");
    const std::string url = api_url() + created.header("location");
    ASSERT_EQ(get(url).status, 200);  // cached now
    const HttpResponse deleted = request("DELETE", url);
    EXPECT_EQ(deleted.status, 204);
    EXPECT_TRUE(deleted.body.empty());
    EXPECT_EQ(get(url).status, 404) << "the cached copy must be gone too";
    EXPECT_EQ(request("DELETE", url).status, 404);
}

TEST(Products, ClientRequestIdIsEchoed) {
    const HttpResponse response =
        request("GET", api_url() + "/health", "", "", {{"X-Request-Id", "e2e-trace-1"}});
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("x-request-id"), "e2e-trace-1");
}

}  // namespace
}  // namespace pms::e2e
