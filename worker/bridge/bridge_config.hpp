#pragma once
/// pms-bridge's settings, read once from the environment into one struct.

#include <chrono>
#include <string>

#include "common/config.hpp"

namespace pms::bridge {

struct BridgeConfig {
    std::string database_url;
    std::string redis_url;
    std::string amqp_url;
    bool quorum_queues = false;
    int batch_size = 500;
    std::chrono::milliseconds poll_interval{5000};
    /// How often delivery counters and the backlog are logged and reported to the database.
    std::chrono::milliseconds stats_interval{60000};
    std::string log_level = "info";

    // Fixed tunables: no variable yet, because no operator has needed to change them.
    /// Longest wait for the broker to confirm a whole batch before it counts as failed.
    std::chrono::milliseconds confirm_timeout{30000};
    /// When stopping, how much longer a batch in flight may wait for its confirms.
    std::chrono::milliseconds stop_grace{5000};
    /// TCP connect and RPC timeout towards RabbitMQ.
    std::chrono::milliseconds amqp_timeout{5000};
    /// Connect and command timeout towards Redis; short, since Redis must not hold up publishing.
    std::chrono::milliseconds redis_timeout{1000};
    /// How long a version floor outlives an invalidation: as long as pms-api caches a product.
    std::chrono::seconds cache_ttl{1800};
    /// Retry delays of every dependency and every failed drain.
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{10000};
    /// The longest delay between tries of a batch refused on a working connection (a broker's
    /// nack): a try costs one publish, and the usual cause passes in seconds (a quorum queue
    /// electing a new leader). At backoff_max, a leader's 6 s election held image jobs back
    /// for 22 s (bench/cluster/run).
    std::chrono::milliseconds delivery_backoff_max{1000};
    /// Next try to mark the session idle after api.outbox_bridge_idle found writers committing
    /// (55P03: it does not queue for the wake lock). Meanwhile nobody notifies this busy bridge,
    /// so under steady writes this is how often it looks at the outbox: short, for the
    /// commit-to-publish latency (bench/bridge).
    std::chrono::milliseconds idle_retry{10};

    /// Reads and checks the settings; throws ConfigError naming the variable at fault.
    static BridgeConfig load(const Config& config);
};

}  // namespace pms::bridge
