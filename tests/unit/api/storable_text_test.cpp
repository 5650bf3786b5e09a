/// The UTF-8 check of client text.
#include "fcgi/storable_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(StorableText, ValidUtf8WithoutNul) {
    EXPECT_TRUE(pms::api::is_storable_text("plain ascii"));
    EXPECT_TRUE(pms::api::is_storable_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    EXPECT_FALSE(pms::api::is_storable_text(std::string("nul\0inside", 10)));
    EXPECT_FALSE(pms::api::is_storable_text("\xff\xfe"));          // not UTF-8 at all
    EXPECT_FALSE(pms::api::is_storable_text("\xc3"));              // cut short
    EXPECT_FALSE(pms::api::is_storable_text("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(pms::api::is_storable_text("\xed\xa0\x80"));      // a surrogate
    EXPECT_FALSE(pms::api::is_storable_text("\xf4\x90\x80\x80"));  // beyond U+10FFFF
}

}  // namespace
