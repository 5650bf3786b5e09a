#include "common/json.hpp"

#include <gtest/gtest.h>

namespace {

TEST(JsonParse, AcceptsADocument) {
    std::string error;
    auto value = pms::json::parse_strict(R"({"a": [1, "x"]})", &error);
    ASSERT_TRUE(value);
    EXPECT_EQ((*value)["a"][1].asString(), "x");
}

TEST(JsonParse, RefusesTrailingDataAndDuplicates) {
    std::string error;
    EXPECT_FALSE(pms::json::parse_strict(R"({"a": 1} x)", &error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(pms::json::parse_strict(R"({"a": 1, "a": 2})", &error));
    EXPECT_FALSE(pms::json::parse_strict("", &error));
    EXPECT_FALSE(pms::json::parse_strict("{\"a\": ", &error));
}

TEST(JsonParse, DeepNestingIsAnErrorNotAnException) {
    std::string error;
    EXPECT_FALSE(pms::json::parse_strict(std::string(5000, '[') + std::string(5000, ']'), &error));
    EXPECT_FALSE(error.empty());
}

TEST(JsonParse, ErrorIsOneLine) {
    std::string error;
    EXPECT_FALSE(pms::json::parse_strict("{\"a\" 1}", &error));
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(JsonQuote, EscapesControlCharactersAndQuotes) {
    std::string out;
    pms::json::append_quoted(out, std::string("a\"b\\c\n\x01", 7));
    EXPECT_EQ(out, R"("a\"b\\c\n\u0001")");
}

TEST(JsonCompact, HasNoWhitespace) {
    Json::Value value(Json::objectValue);
    value["k"] = "v";
    value["n"] = 1;
    EXPECT_EQ(pms::json::compact(value), R"({"k":"v","n":1})");
}

}  // namespace
