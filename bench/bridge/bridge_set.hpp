#pragma once
/// The pms-bridge processes of one measurement: started with the stack's settings, measured
/// only once each is connected and waiting for a NOTIFY, stopped with SIGTERM afterwards.

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "tests/e2e/bridge/bridge_process.hpp"

namespace pms::bridge_bench {

class BridgeSet {
public:
    /// Starts `count` bridges of `binary`, logging into `log_dir`; returns once all of them are
    /// ready and idle (throws std::runtime_error after 60 s).
    BridgeSet(const std::string& binary, const std::string& log_dir, int count,
              pqxx::connection& owner);
    /// Stops them (SIGTERM; SIGKILL after 15 s).
    ~BridgeSet();
    BridgeSet(const BridgeSet&) = delete;
    BridgeSet& operator=(const BridgeSet&) = delete;

private:
    std::vector<std::unique_ptr<bridge_testkit::BridgeProcess>> bridges_;
};

}  // namespace pms::bridge_bench
