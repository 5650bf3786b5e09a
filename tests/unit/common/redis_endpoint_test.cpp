#include <gtest/gtest.h>

#include <string>

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

/// The message of a refused URL, or "".
std::string refusal(const char* url) {
    try {
        Endpoint::parse(url);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

TEST(RedisEndpoint, RefusalsQuoteTheUrlWithoutItsPassword) {
    EXPECT_EQ(refusal("http://:s3cret@cache.local"),
              "Redis URL must start with redis:// or unix:, got 'http://:***@cache.local'");
    EXPECT_EQ(refusal("redis://:s3cret@cache.local:port/0"),
              "bad port in Redis URL 'redis://:***@cache.local:port/0'");
    // An unencoded '/' in the password looks like the start of the database number.
    const std::string message = refusal("redis://:pa/ss@cache.local/0");
    EXPECT_EQ(message.find("ss@"), std::string::npos) << message;
    EXPECT_EQ(message, "bad database in Redis URL 'redis://:***@cache.local/0'");
}

}  // namespace
