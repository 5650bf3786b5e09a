#include "common/percent_decode.hpp"

#include <gtest/gtest.h>

namespace {

TEST(PercentDecode, DecodesEscapesAndPlusInForms) {
    EXPECT_EQ(pms::percent_decode("a%20b+c%2B", true), "a b c+");
    EXPECT_EQ(pms::percent_decode("a%20b+c%2B", false), "a b+c+");
}

TEST(PercentDecode, AMalformedEscapeIsNothing) {
    for (const char* text : {"%2", "%", "%g0", "ab%"}) {
        EXPECT_FALSE(pms::percent_decode(text, false)) << text;
    }
}

}  // namespace
