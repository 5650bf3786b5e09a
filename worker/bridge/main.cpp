/// pms-bridge: carries database events from the PostgreSQL outbox to RabbitMQ (image jobs) and
/// to Redis (cache invalidations). Wiring only: settings, logging, signals, the loop.
#include <signal.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "common/cli.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "worker/bridge/bridge.hpp"
#include "worker/bridge/bridge_config.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int /*signal*/) {
    g_stop = 1;
}

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a signal should cut short the wait it interrupts (poll, nanosleep).
    action.sa_flags = 0;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    // A peer that closed its socket must surface as an error from write(), not kill us.
    std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
    const pms::ProgramInfo info{
        "pms-bridge", pms::kBridge,
        "Publishes the outbox of the product database: image jobs to RabbitMQ (publisher\n"
        "confirms, persistent, mandatory), cache invalidations to Redis. Rows are deleted only\n"
        "once delivered. Stops cleanly on SIGTERM or SIGINT."};
    if (const auto code = pms::handle_command_line(argc, argv, info)) {
        return *code;
    }

    const pms::Config config(pms::kBridge);
    try {
        pms::log::init("pms-bridge", config.string("PMS_LOG_LEVEL"));
    } catch (const std::exception& e) {
        std::cerr << "pms-bridge: " << e.what() << "\n";
        return 2;
    }
    pms::bridge::BridgeConfig settings;
    try {
        settings = pms::bridge::BridgeConfig::load(config);
    } catch (const std::exception& e) {
        pms::log::error("invalid configuration", {{"error", e.what()}});
        return 2;
    }
    // libpq waits for an unreachable server as long as the OS lets it; the loop should not.
    // An operator's own PGCONNECT_TIMEOUT (or connect_timeout in the URL) wins.
    setenv("PGCONNECT_TIMEOUT", "10", /*overwrite=*/0);

    install_signal_handlers();
    try {
        pms::bridge::Bridge bridge(settings, [] { return g_stop != 0; });
        bridge.run();
    } catch (const std::exception& e) {
        // Dependencies failing never end up here; this is a bug, and systemd restarts us.
        pms::log::error("pms-bridge failed", {{"error", e.what()}});
        return 1;
    }
    pms::log::info("pms-bridge stopped");
    return 0;
}
