#include "fcgi/query_string.hpp"

#include <gtest/gtest.h>

#include "fcgi/api_error.hpp"

namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
    EXPECT_EQ(pms::api::percent_decode("a%20b+c%2B"), "a b c+");
    EXPECT_FALSE(pms::api::percent_decode("%2"));
    EXPECT_FALSE(pms::api::percent_decode("%"));
    EXPECT_FALSE(pms::api::percent_decode("%g0"));
}

TEST(ParseQuery, KeepsOrderAndEmptyValues) {
    const auto pairs = pms::api::parse_query("a=1&&b=&c");
    ASSERT_EQ(pairs.size(), 3U);
    EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"a", "1"}));
    EXPECT_EQ(pairs[1], (std::pair<std::string, std::string>{"b", ""}));
    EXPECT_EQ(pairs[2], (std::pair<std::string, std::string>{"c", ""}));
}

TEST(ParseQuery, MalformedEscapeIs400) {
    EXPECT_THROW(pms::api::parse_query("a=%ZZ"), pms::api::ApiError);
}

}  // namespace
