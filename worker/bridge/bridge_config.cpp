/// Reading and checking pms-bridge's settings.
#include "worker/bridge/bridge_config.hpp"

#include <stdexcept>

#include "common/redact.hpp"
#include "common/redis.hpp"

namespace pms::bridge {

BridgeConfig BridgeConfig::load(const Config& config) {
    BridgeConfig c;
    c.database_url = config.required("PMS_BRIDGE_DATABASE_URL");
    c.redis_url = config.string("PMS_REDIS_URL");
    c.cache_ttl = std::chrono::seconds(config.integer("PMS_CACHE_TTL", 1, 86400 * 30));
    c.amqp_url = config.string("PMS_AMQP_URL");
    c.quorum_queues = config.integer("PMS_AMQP_QUORUM", 0, 1) == 1;
    c.batch_size = static_cast<int>(config.integer("PMS_BRIDGE_BATCH", 1, 10000));
    c.poll_interval = std::chrono::seconds(config.integer("PMS_BRIDGE_POLL_INTERVAL", 1, 3600));
    c.stats_interval = std::chrono::seconds(config.integer("PMS_BRIDGE_STATS_INTERVAL", 1, 3600));
    c.log_level = config.string("PMS_LOG_LEVEL");

    // Fail at start-up on what no retry can fix, instead of retrying it forever.
    try {
        (void)redis::Endpoint::parse(c.redis_url);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("PMS_REDIS_URL: ") + e.what());
    }
    if (c.amqp_url.rfind("amqp://", 0) != 0) {
        throw ConfigError(
            "PMS_AMQP_URL must look like amqp://user:password@host:port/vhost, got '" +
            redact_url(c.amqp_url) + "'");
    }
    return c;
}

}  // namespace pms::bridge
