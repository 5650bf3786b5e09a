/// pms-bridge: carries database events from the PostgreSQL outbox to RabbitMQ (image jobs) and
/// to Redis (cache invalidations). Wiring only: settings, logging, signals, the loop.
#include <cstdlib>
#include <exception>
#include <memory>

#include "common/cli.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "worker/bridge/bridge.hpp"
#include "worker/bridge/bridge_config.hpp"
#include "worker/bridge/cache_invalidator.hpp"
#include "worker/bridge/outbox.hpp"
#include "worker/bridge/publisher.hpp"

namespace {

/// PostgreSQL, RabbitMQ and Redis as the settings say.
pms::bridge::Services real_services(const pms::bridge::BridgeConfig& config) {
    pms::bridge::PublisherOptions publisher;
    publisher.url = config.amqp_url;
    publisher.quorum_queues = config.quorum_queues;
    publisher.connect_timeout = config.amqp_timeout;
    publisher.confirm_timeout = config.confirm_timeout;
    publisher.stop_grace = config.stop_grace;

    pms::bridge::Services services;
    services.open_outbox = [url = config.database_url] {
        return std::make_unique<pms::bridge::PgOutbox>(url);
    };
    services.publisher = std::make_unique<pms::bridge::AmqpPublisher>(publisher);
    services.cache = std::make_unique<pms::bridge::RedisCacheInvalidator>(
        pms::redis::Endpoint::parse(config.redis_url), config.redis_timeout, config.cache_ttl);
    return services;
}

}  // namespace

int main(int argc, char** argv) {
    const pms::ProgramInfo info{
        "pms-bridge", pms::kBridge,
        "Publishes the outbox of the product database: image jobs to RabbitMQ (publisher\n"
        "confirms, persistent, mandatory), cache invalidations to Redis. Rows are deleted only\n"
        "once delivered. Stops cleanly on SIGTERM or SIGINT."};
    if (const auto code = pms::start_program(argc, argv, info)) {
        return *code;
    }
    pms::bridge::BridgeConfig settings;
    try {
        settings = pms::bridge::BridgeConfig::load(pms::Config(pms::kBridge));
    } catch (const std::exception& e) {
        pms::log::error("invalid configuration", {{"error", e.what()}});
        return 2;
    }
    // libpq waits for an unreachable server as long as the OS lets it; the loop should not.
    // An operator's own PGCONNECT_TIMEOUT (or connect_timeout in the URL) wins.
    setenv("PGCONNECT_TIMEOUT", "10", /*overwrite=*/0);

    pms::install_stop_handlers();
    try {
        pms::bridge::Bridge bridge(settings, real_services(settings),
                                   [] { return pms::stop_requested.load(); });
        bridge.run();
    } catch (const std::exception& e) {
        // Dependencies failing never end up here; this is a bug, and systemd restarts us.
        pms::log::error("pms-bridge failed", {{"error", e.what()}});
        return 1;
    }
    pms::log::info("pms-bridge stopped");
    return 0;
}
