#include "fcgi/request_id.hpp"

#include <gtest/gtest.h>

namespace {

using pms::api::choose_request_id;

TEST(RequestId, ClientIdWinsWhenWellFormed) {
    EXPECT_EQ(choose_request_id("client-42", "0123456789abcdef0123456789abcdef"), "client-42");
}

TEST(RequestId, MalformedClientIdFallsBackToNginx) {
    EXPECT_EQ(choose_request_id("evil\nheader", "0123456789abcdef0123456789abcdef"),
              "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(choose_request_id(std::string(129, 'a').c_str(), "n1"), "n1");
    EXPECT_EQ(choose_request_id("", "n1"), "n1");
}

TEST(RequestId, GeneratedWhenNeitherIsUsable) {
    const std::string a = choose_request_id(nullptr, nullptr);
    const std::string b = choose_request_id(nullptr, "<bad>");
    EXPECT_EQ(a.size(), 32U);
    EXPECT_TRUE(pms::api::is_well_formed_request_id(a));
    EXPECT_NE(a, b);
}

}  // namespace
