/// Bad input gets the API's error shape with the right status, never a 500.
#include <gtest/gtest.h>

#include "tests/e2e/error_shape.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

std::string products() {
    return api_url() + "/api/v1/products";
}

std::string product_body(long long user, const std::string& fields) {
    return "{\"user_id\": " + std::to_string(user) + ", " + fields + "}";
}

TEST(ApiErrors, MalformedJsonAndWrongTypesAre400) {
    expect_error(post_json(products(), "{\"user_id\": 1,"), 400, "bad_request");
    const Json::Value error = expect_error(
        post_json(products(), R"({"user_id": 1, "product_name": 7})"), 400, "bad_request");
    EXPECT_EQ(error["details"][0]["field"].asString(), "product_name");
}

TEST(ApiErrors, BrokenRulesAre422AndSayWhichField) {
    const long long user = create_user(unique("rules"));
    const Json::Value empty_name = expect_error(
        post_json(products(), product_body(user, R"("product_name": "", "product_price": 1)")), 422,
        "validation_failed");
    EXPECT_NE(empty_name["message"].asString().find("product_name"), std::string::npos);
    EXPECT_EQ(empty_name["details"][0]["field"].asString(), "product_name");

    expect_error(
        post_json(products(), product_body(user, R"("product_name": "x", "product_price": -1)")),
        422, "validation_failed");
    expect_error(
        post_json(
            products(),
            product_body(
                user,
                R"("product_name": "x", "product_price": 1, "product_images": ["ftp://a/b.jpg"])")),
        422, "validation_failed");
    std::string eleven = "[";
    for (int i = 0; i < 11; ++i) {
        eleven += std::string(i ? "," : "") + "\"http://127.0.0.1/" + std::to_string(i) + ".jpg\"";
    }
    eleven += "]";
    expect_error(
        post_json(products(),
                  product_body(
                      user, "\"product_name\": \"x\", \"product_price\": 1, \"product_images\": " +
                                eleven)),
        422, "validation_failed");
    expect_error(post_json(products(), product_body(9000000000000LL,
                                                    R"("product_name": "x", "product_price": 1)")),
                 422, "validation_failed");
    expect_error(post_json(api_url() + "/api/v1/users", R"({"name": ""})"), 422,
                 "validation_failed");
}

TEST(ApiErrors, UnknownThingsAre404) {
    expect_error(get(products() + "/9000000000000"), 404, "not_found");
    expect_error(get(products() + "/abc"), 404, "not_found");
    expect_error(
        put_json(products() + "/9000000000000", R"({"product_name": "x", "product_price": 1})"),
        404, "not_found");
    expect_error(get(api_url() + "/api/v1/nothing-here"), 404, "not_found");
}

TEST(ApiErrors, WrongMethodIs405WithAllow) {
    const HttpResponse response = request("PATCH", products() + "/1", "{}", "application/json");
    expect_error(response, 405, "method_not_allowed");
    EXPECT_EQ(response.header("allow"), "GET, HEAD, PUT, DELETE");
}

TEST(ApiErrors, WrongContentTypeIs415) {
    expect_error(request("POST", products(), "user_id=1", "application/x-www-form-urlencoded"), 415,
                 "unsupported_media_type");
}

TEST(ApiErrors, OversizedBodyIs413) {
    const std::string huge = "{\"product_name\": \"" + std::string(2 << 20, 'x') + "\"}";
    expect_error(post_json(products(), huge), 413, "payload_too_large");
}

TEST(ApiErrors, BadListParametersAre400Or422) {
    expect_error(get(products() + "?user_id=abc"), 400, "bad_request");
    expect_error(get(products() + "?user_id=1&limit=1000"), 422, "validation_failed");
    expect_error(get(products() + "?user_id=1&cursor=not-a-cursor"), 422, "validation_failed");
}

// Whatever a client sends, the answer is a 4xx in the error shape: never a 500, and never a
// value silently changed on its way into the database.
TEST(ApiErrors, HostileInputNeverGetsA500) {
    const long long user = create_user(unique("hostile"));
    const std::string u = std::to_string(user);
    const std::vector<std::pair<std::string, std::string>> bodies = {
        {"invalid UTF-8",
         "{\"user_id\": " + u + ", \"product_name\": \"\xff\xfe\", \"product_price\": 1}"},
        {"NUL in a name",
         "{\"user_id\": " + u + R"(, "product_name": "a\u0000b", "product_price": 1})"},
        {"huge exponent",
         "{\"user_id\": " + u + R"(, "product_name": "x", "product_price": 1e400})"},
        {"three decimals",
         "{\"user_id\": " + u + R"(, "product_name": "x", "product_price": 1.005})"},
        {"user id too big",
         R"({"user_id": 99999999999999999999, "product_name": "x", "product_price": 1})"},
        {"deep nesting", std::string(5000, '[') + std::string(5000, ']')},
        {"NUL in an image",
         "{\"user_id\": " + u +
             R"(, "product_name": "x", "product_price": 1, "product_images": ["http://a/\u0000"]})"},
        {"image not a URL",
         "{\"user_id\": " + u +
             R"json(, "product_name": "x", "product_price": 1, "product_images": ["javascript:alert(1)"]})json"},
        {"long name", "{\"user_id\": " + u + ", \"product_name\": \"" + std::string(300, 'n') +
                          R"(", "product_price": 1})"},
        {"empty object", "{}"},
        {"null", "null"},
    };
    for (const auto& [what, body] : bodies) {
        const HttpResponse response = post_json(products(), body);
        EXPECT_GE(response.status, 400) << what;
        EXPECT_LT(response.status, 500) << what << ": " << response.body;
        EXPECT_TRUE(response.json()["error"].isObject()) << what;
    }
    const std::vector<std::string> queries = {
        "?user_id=" + u + "&product_name=%FF",
        "?user_id=" + u + "&product_name=a%00b",
        "?user_id=9223372036854775808",
        "?user_id=" + u + "&cursor=%25%25%25",
        "?user_id=" + u + "&limit=0",
        "?user_id=" + u + "&min_price=-5&max_price=-10",
        "?user_id=" + u + "&product_name=" + std::string(3000, '%') + "41",
    };
    for (const std::string& query : queries) {
        const HttpResponse response = get(products() + query);
        EXPECT_LT(response.status, 500) << query << ": " << response.body;
        if (response.status >= 400) {
            EXPECT_TRUE(response.json()["error"].isObject()) << query;
        }
    }
}

}  // namespace
}  // namespace pms::e2e
