#include "fcgi/auth/verified_tokens.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using pms::api::auth::Principal;
using pms::api::auth::VerifiedTokens;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kNow{seconds(1'700'000'000)};

Principal user(std::int64_t id) {
    return Principal{id, false, kNow + seconds(3600)};
}

TEST(JwtVerifiedTokens, FindsAStoredTokenUntilItsTime) {
    VerifiedTokens tokens(4);
    tokens.insert("token-a", user(1), kNow + seconds(10), kNow);
    ASSERT_TRUE(tokens.find("token-a", kNow));
    EXPECT_EQ(tokens.find("token-a", kNow)->user_id, 1);
    EXPECT_TRUE(tokens.find("token-a", kNow + seconds(10)));
    EXPECT_FALSE(tokens.find("token-a", kNow + seconds(11)));
    EXPECT_FALSE(tokens.find("token-b", kNow));
    EXPECT_FALSE(tokens.find("token-", kNow));
}

TEST(JwtVerifiedTokens, WhenFullDropsTheEntriesWhoseTimeIsOver) {
    VerifiedTokens tokens(3);
    tokens.insert("old", user(1), kNow + seconds(1), kNow);
    tokens.insert("b", user(2), kNow + seconds(100), kNow);
    tokens.insert("c", user(3), kNow + seconds(100), kNow);
    tokens.insert("d", user(4), kNow + seconds(100), kNow + seconds(2));
    EXPECT_EQ(tokens.size(), 3U);
    EXPECT_FALSE(tokens.find("old", kNow));
    EXPECT_TRUE(tokens.find("b", kNow));
    EXPECT_TRUE(tokens.find("d", kNow));
}

TEST(JwtVerifiedTokens, WhenFullOfLiveEntriesStartsOver) {
    VerifiedTokens tokens(2);
    tokens.insert("a", user(1), kNow + seconds(100), kNow);
    tokens.insert("b", user(2), kNow + seconds(100), kNow);
    tokens.insert("c", user(3), kNow + seconds(100), kNow);
    EXPECT_EQ(tokens.size(), 1U);
    EXPECT_FALSE(tokens.find("a", kNow));
    EXPECT_EQ(tokens.find("c", kNow)->user_id, 3);
}

}  // namespace
