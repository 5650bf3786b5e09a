/// Starting and stopping the benchmark's bridges.
#include "bench/bridge/bridge_set.hpp"

#include <signal.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace pms::bridge_bench {

namespace {

using std::chrono::seconds;

/// Live bridge sessions marked idle in the database.
int idle_bridges(pqxx::connection& owner) {
    pqxx::read_transaction transaction(owner);
    return transaction
        .exec1(
            "select count(*) from jsonb_array_elements(api.outbox_backlog() -> 'bridges') as b"
            " where (b ->> 'idle')::boolean")[0]
        .as<int>();
}

}  // namespace

BridgeSet::BridgeSet(const std::string& binary, const std::string& log_dir, int count,
                     pqxx::connection& owner) {
    static int started = 0;
    for (int i = 0; i < count; ++i) {
        bridges_.push_back(std::make_unique<bridge_testkit::BridgeProcess>(
            binary, bridge_testkit::Environment{},
            log_dir + "/bench-bridge-" + std::to_string(++started) + ".log"));
    }
    for (auto& bridge : bridges_) {
        if (!bridge->wait_for_log("pms-bridge ready", seconds(60))) {
            throw std::runtime_error("pms-bridge did not become ready; see " + bridge->log_path());
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (idle_bridges(owner) < count) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("the bridges did not go idle within 60 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

BridgeSet::~BridgeSet() {
    for (auto& bridge : bridges_) {
        bridge->signal(SIGTERM);
    }
    for (auto& bridge : bridges_) {
        bridge->wait(seconds(15));
    }
}

}  // namespace pms::bridge_bench
