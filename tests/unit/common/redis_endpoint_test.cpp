#include <gtest/gtest.h>

#include "common/redis.hpp"

namespace {

using pms::redis::Endpoint;

TEST(RedisEndpoint, FullUrl) {
    const Endpoint e = Endpoint::parse("redis://:secret@cache.local:6380/2");
    EXPECT_EQ(e.host, "cache.local");
    EXPECT_EQ(e.port, 6380);
    EXPECT_EQ(e.db, 2);
    EXPECT_EQ(e.password, "secret");
}

TEST(RedisEndpoint, Defaults) {
    const Endpoint e = Endpoint::parse("redis://127.0.0.1");
    EXPECT_EQ(e.port, 6379);
    EXPECT_EQ(e.db, 0);
    EXPECT_TRUE(e.password.empty());
}

TEST(RedisEndpoint, UnixSocket) {
    const Endpoint e = Endpoint::parse("unix:/run/redis/redis.sock?db=3");
    EXPECT_EQ(e.unix_path, "/run/redis/redis.sock");
    EXPECT_EQ(e.db, 3);
}

TEST(RedisEndpoint, RefusesOtherSchemesAndBadPorts) {
    EXPECT_THROW(Endpoint::parse("http://127.0.0.1"), std::invalid_argument);
    EXPECT_THROW(Endpoint::parse("redis://127.0.0.1:port"), std::invalid_argument);
    EXPECT_THROW(Endpoint::parse("redis://127.0.0.1:70000"), std::invalid_argument);
}

}  // namespace
