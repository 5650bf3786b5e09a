#pragma once
/// The image work queue read the way pms-worker reads it, without doing the work: each delivery
/// is recorded (job, product, when it arrived) and acknowledged. For tests and benchmarks that
/// count what pms-bridge published; pms-worker must be stopped meanwhile.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "worker/amqp/amqp.hpp"

namespace pms::bridge_testkit {

struct Delivered {
    int64_t job_id = 0;  ///< from the body; 0 when it has none
    int64_t product_id = 0;
    std::string message_id;
    bool persistent = false;
    std::string content_type;
    std::chrono::steady_clock::time_point received_at;
};

class WorkQueueReader {
public:
    /// Connects and declares the topology (as the bridge does) on `amqp_url`; starts consuming
    /// from `queue` (default: the work queue).
    explicit WorkQueueReader(const std::string& amqp_url, bool quorum = false,
                             std::string_view queue = "pms.images.process");

    /// One delivery within `timeout`, acknowledged; nothing on timeout.
    std::optional<Delivered> next(std::chrono::milliseconds timeout);
    /// Deliveries until none came for `quiet`, or until `deadline`.
    std::vector<Delivered> read_until_quiet(std::chrono::milliseconds quiet,
                                            std::chrono::steady_clock::time_point deadline);

private:
    std::unique_ptr<amqp::Connection> connection_;
};

/// Removes every message waiting in the work queue (through a connection of its own).
uint32_t purge_work_queue(const std::string& amqp_url);

}  // namespace pms::bridge_testkit
