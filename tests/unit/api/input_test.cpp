#include "fcgi/input.hpp"

#include <gtest/gtest.h>

#include "fcgi/api_error.hpp"

namespace {

using pms::api::ApiError;

int status_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const ApiError& error) {
        return error.status();
    }
    return 0;
}

TEST(ProductBody, KeepsThePriceExactlyAsWritten) {
    const auto product = pms::api::parse_new_product(
        R"({"user_id": 3, "product_name": "Lamp", "product_price": 19.99,
            "product_images": ["http://a/1.jpg", "https://b/\"2\".png"]})");
    EXPECT_EQ(product.user_id, "3");
    EXPECT_EQ(product.fields.name, "Lamp");
    EXPECT_EQ(product.fields.price, "19.99");
    EXPECT_FALSE(product.fields.description.has_value());
    EXPECT_EQ(product.fields.images, R"({"http://a/1.jpg","https://b/\"2\".png"})");
}

TEST(ProductBody, LargeAndExponentPricesPassAsWritten) {
    EXPECT_EQ(pms::api::parse_product_update(R"({"product_price": 1e3})").price, "1e3");
    EXPECT_EQ(pms::api::parse_product_update(R"({"product_price": 123456789012.34})").price,
              "123456789012.34");
}

TEST(ProductBody, MissingImagesMeanNone) {
    EXPECT_EQ(pms::api::parse_product_update(R"({"product_name": "x"})").images, "{}");
}

TEST(ProductBody, WrongTypesAre400WithEveryField) {
    try {
        pms::api::parse_new_product(
            R"({"user_id": "3", "product_name": 5, "product_price": "1.00", "product_images": [1]})");
        FAIL();
    } catch (const ApiError& error) {
        EXPECT_EQ(error.status(), 400);
        EXPECT_EQ(error.code(), "bad_request");
        ASSERT_EQ(error.details().size(), 4U);
        EXPECT_EQ(error.details()[0]["field"].asString(), "user_id");
        EXPECT_EQ(error.details()[3]["message"].asString(),
                  "product_images must be an array of strings");
    }
}

TEST(ProductBody, MalformedJsonIs400) {
    EXPECT_EQ(status_of([] { pms::api::parse_new_product("{"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_new_product("[]"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_new_product(""); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_new_product(R"({"user_id": 1.5})"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_new_product(R"({"product_price": true})"); }), 400);
}

TEST(ProductBody, NullsPassAsNullsForTheDatabaseToJudge) {
    const auto product = pms::api::parse_new_product(R"({"user_id": null, "product_name": null})");
    EXPECT_FALSE(product.user_id.has_value());
    EXPECT_FALSE(product.fields.name.has_value());
}

TEST(UserBody, Name) {
    EXPECT_EQ(pms::api::parse_user_body(R"({"name": "Ada"})"), "Ada");
    EXPECT_EQ(status_of([] { pms::api::parse_user_body(R"({"name": ["Ada"]})"); }), 400);
}

TEST(ContentType, OnlyJson) {
    EXPECT_NO_THROW(pms::api::require_json_content_type("application/json"));
    EXPECT_NO_THROW(pms::api::require_json_content_type("Application/JSON; charset=utf-8"));
    EXPECT_EQ(status_of([] { pms::api::require_json_content_type("text/plain"); }), 415);
    EXPECT_EQ(status_of([] { pms::api::require_json_content_type(""); }), 415);
}

TEST(ListFilters, ParsesAndAcceptsBothPriceSpellings) {
    const auto f = pms::api::parse_list_filters(
        "user_id=7&price_min=1.50&max_price=20&product_name=red%20lamp%25&limit=5&cursor=abc");
    EXPECT_EQ(f.user_id, "7");
    EXPECT_EQ(f.min_price, "1.50");
    EXPECT_EQ(f.max_price, "20");
    EXPECT_EQ(f.name_contains, "red lamp%");
    EXPECT_EQ(f.limit, "5");
    EXPECT_EQ(f.cursor, "abc");
}

TEST(ListFilters, MalformedNumbersAre400) {
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("user_id=abc"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("user_id=1&min_price=1e5"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("user_id=1&limit=-1"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("user_id=1&max_price=."); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("product_name=%zz"); }), 400);
}

TEST(ProductId, PositiveIntegersOnly) {
    for (const char* good : {"1", "42", "999999999999999999", "9223372036854775807"}) {
        EXPECT_TRUE(pms::api::is_product_id(good)) << good;
        EXPECT_EQ(pms::api::parse_product_id(good), good);
    }
    for (const char* bad : {"", "0", "-1", "abc", "1.0", "9223372036854775808",
                            "9999999999999999999", "00", "01", "12345678901234567890"}) {
        EXPECT_FALSE(pms::api::is_product_id(bad)) << bad;
        EXPECT_EQ(status_of([&] { pms::api::parse_product_id(bad); }), 404) << bad;
    }
}

TEST(ProductBody, BadTextIs400NotA500OrACutValue) {
    EXPECT_EQ(status_of([] { pms::api::parse_new_product("{\"product_name\": \"\xff\"}"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_new_product(R"({"product_name": "a\u0000b"})"); }),
              400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("product_name=%FF"); }), 400);
    EXPECT_EQ(status_of([] { pms::api::parse_list_filters("product_name=a%00b"); }), 400);
}

TEST(TextArray, EscapesQuotesAndBackslashes) {
    EXPECT_EQ(pms::api::text_array_literal({}), "{}");
    EXPECT_EQ(pms::api::text_array_literal({"a,b", "c\\d", "NULL"}), R"({"a,b","c\\d","NULL"})");
}

}  // namespace
