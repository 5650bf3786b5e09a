/// pms-bridge settings: defaults, fallback of the database URL, rejected values.
#include "worker/bridge/bridge_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace pms::bridge {
namespace {

/// Clears the variables the bridge reads (but its required database URL) and restores them
/// afterwards.
class BridgeConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : kNames) {
            if (const char* value = std::getenv(name)) {
                saved_.emplace_back(name, value);
            }
            unsetenv(name);
        }
        setenv("PMS_BRIDGE_DATABASE_URL", "postgresql://pms_bridge@db/pms", 1);
    }
    void TearDown() override {
        for (const char* name : kNames) {
            unsetenv(name);
        }
        for (const auto& [name, value] : saved_) {
            setenv(name.c_str(), value.c_str(), 1);
        }
    }

    static constexpr const char* kNames[] = {"PMS_DATABASE_URL",
                                             "PMS_BRIDGE_DATABASE_URL",
                                             "PMS_REDIS_URL",
                                             "PMS_AMQP_URL",
                                             "PMS_AMQP_QUORUM",
                                             "PMS_BRIDGE_BATCH",
                                             "PMS_BRIDGE_POLL_INTERVAL",
                                             "PMS_BRIDGE_STATS_INTERVAL",
                                             "PMS_LOG_LEVEL"};
    std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(BridgeConfigTest, Defaults) {
    const BridgeConfig c = BridgeConfig::load(Config(kBridge));
    EXPECT_EQ(c.database_url, "postgresql://pms_bridge@db/pms");
    EXPECT_EQ(c.redis_url, "redis://127.0.0.1:6379/0");
    EXPECT_EQ(c.amqp_url, "amqp://guest:guest@127.0.0.1:5672/%2f");
    EXPECT_FALSE(c.quorum_queues);
    EXPECT_EQ(c.batch_size, 500);
    EXPECT_EQ(c.poll_interval, std::chrono::seconds(5));
    EXPECT_EQ(c.stats_interval, std::chrono::seconds(60));
    EXPECT_EQ(c.log_level, "info");
}

// Never the owner's URL instead: a bridge without its own stops at start, naming the setting.
TEST_F(BridgeConfigTest, ItsOwnDatabaseUrlIsRequired) {
    unsetenv("PMS_BRIDGE_DATABASE_URL");
    setenv("PMS_DATABASE_URL", "postgresql://owner@db/pms", 1);
    EXPECT_THROW(BridgeConfig::load(Config(kBridge)), ConfigError);
    setenv("PMS_BRIDGE_DATABASE_URL", "postgresql://pms_bridge@db/pms", 1);
    EXPECT_EQ(BridgeConfig::load(Config(kBridge)).database_url, "postgresql://pms_bridge@db/pms");
}

TEST_F(BridgeConfigTest, ReadsNumbersAndQuorum) {
    setenv("PMS_BRIDGE_BATCH", "50", 1);
    setenv("PMS_BRIDGE_POLL_INTERVAL", "2", 1);
    setenv("PMS_BRIDGE_STATS_INTERVAL", "1", 1);
    setenv("PMS_AMQP_QUORUM", "1", 1);
    const BridgeConfig c = BridgeConfig::load(Config(kBridge));
    EXPECT_EQ(c.batch_size, 50);
    EXPECT_EQ(c.poll_interval, std::chrono::seconds(2));
    EXPECT_EQ(c.stats_interval, std::chrono::seconds(1));
    EXPECT_TRUE(c.quorum_queues);
}

TEST_F(BridgeConfigTest, RejectsValuesNoRetryCouldFix) {
    for (const auto& [name, value] : std::vector<std::pair<const char*, const char*>>{
             {"PMS_BRIDGE_BATCH", "0"},
             {"PMS_BRIDGE_BATCH", "many"},
             {"PMS_BRIDGE_POLL_INTERVAL", "0"},
             {"PMS_BRIDGE_STATS_INTERVAL", "0"},
             {"PMS_AMQP_QUORUM", "yes"},
             {"PMS_REDIS_URL", "http://127.0.0.1:6379"},
             {"PMS_AMQP_URL", "127.0.0.1:5672"}}) {
        setenv(name, value, 1);
        EXPECT_THROW(BridgeConfig::load(Config(kBridge)), ConfigError) << name << "=" << value;
        unsetenv(name);
    }
}

}  // namespace
}  // namespace pms::bridge
