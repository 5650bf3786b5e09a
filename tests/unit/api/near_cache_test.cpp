/// The near cache's container: what it answers, for how long, and what it gives up for room.
#include "fcgi/near_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pms::api {
namespace {

using std::chrono::milliseconds;
const NearCache::Clock::time_point t0{};

TEST(NearCache, AnswersWhatItStoredUntilErased) {
    NearCache cache(1000, milliseconds(1000));
    cache.store("a", "1", t0);
    cache.store("b", "2", t0);
    EXPECT_EQ(cache.find("a", t0), "1");
    EXPECT_EQ(cache.find("b", t0), "2");
    EXPECT_FALSE(cache.find("c", t0));
    cache.erase("a");
    EXPECT_FALSE(cache.find("a", t0));
    EXPECT_EQ(cache.find("b", t0), "2");
    cache.clear();
    EXPECT_FALSE(cache.find("b", t0));
    EXPECT_EQ(cache.size(), 0U);
    EXPECT_EQ(cache.bytes(), 0U);
}

TEST(NearCache, AStoreReplacesTheCopyAndItsSize) {
    NearCache cache(1000, milliseconds(1000));
    cache.store("a", "short", t0);
    cache.store("a", "much longer", t0);
    EXPECT_EQ(cache.find("a", t0), "much longer");
    EXPECT_EQ(cache.size(), 1U);
    EXPECT_EQ(cache.bytes(), 1U + 11U);
}

TEST(NearCache, ACopyOlderThanTheAgeLimitIsGone) {
    NearCache cache(1000, milliseconds(1000));
    cache.store("a", "1", t0);
    EXPECT_EQ(cache.find("a", t0 + milliseconds(1000)), "1");
    EXPECT_FALSE(cache.find("a", t0 + milliseconds(1001)));
    EXPECT_EQ(cache.size(), 0U);
}

TEST(NearCache, MakesRoomByDroppingTheLeastRecentlyUsed) {
    NearCache cache(30, milliseconds(1000));  // three entries of 10 bytes
    cache.store("k1", "12345678", t0);
    cache.store("k2", "12345678", t0);
    cache.store("k3", "12345678", t0);
    ASSERT_TRUE(cache.find("k1", t0));  // k2 is now the least recently used
    cache.store("k4", "12345678", t0);
    EXPECT_FALSE(cache.find("k2", t0));
    EXPECT_TRUE(cache.find("k1", t0));
    EXPECT_TRUE(cache.find("k3", t0));
    EXPECT_TRUE(cache.find("k4", t0));
    EXPECT_EQ(cache.bytes(), 30U);
}

TEST(NearCache, ACopyLargerThanTheBudgetIsNotStored) {
    NearCache cache(10, milliseconds(1000));
    cache.store("a", "123", t0);
    cache.store("b", "123456789012", t0);
    EXPECT_FALSE(cache.find("b", t0));
    EXPECT_EQ(cache.find("a", t0), "123") << "a copy that could not fit evicted another";
}

TEST(NearCache, AdmitsAKeyOnItsSecondRead) {
    NearCache cache(1000, milliseconds(1000));
    EXPECT_FALSE(cache.admit("a"));
    EXPECT_FALSE(cache.admit("b"));
    EXPECT_TRUE(cache.admit("a"));
    EXPECT_TRUE(cache.admit("a"));
    EXPECT_TRUE(cache.admit("b"));
}

TEST(NearCache, ForgetsReadsThatOthersPushedOut) {
    NearCache cache(128, milliseconds(1000));  // a table of 2 slots
    ASSERT_FALSE(cache.admit("k0"));
    for (int i = 1; i < 64; ++i) {
        cache.admit("k" + std::to_string(i));
    }
    EXPECT_FALSE(cache.admit("k0")) << "64 other keys left k0 in a table of 2 slots";
}

TEST(NearCache, WithoutABudgetItHoldsNothing) {
    NearCache cache(0, milliseconds(1000));
    EXPECT_FALSE(cache.enabled());
    EXPECT_FALSE(cache.admit("a"));
    EXPECT_FALSE(cache.admit("a"));
    cache.store("a", "1", t0);
    EXPECT_FALSE(cache.find("a", t0));
}

}  // namespace
}  // namespace pms::api
