#include "fcgi/query_string.hpp"

#include <gtest/gtest.h>

#include "fcgi/api_error.hpp"

namespace {

TEST(ParseQuery, DecodesEscapesAndPlus) {
    const auto pairs = pms::api::parse_query("q=a%20b+c%2B");
    ASSERT_EQ(pairs.size(), 1U);
    EXPECT_EQ(pairs[0].second, "a b c+");
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
