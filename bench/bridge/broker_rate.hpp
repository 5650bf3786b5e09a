#pragma once
/// The baseline of the bridge's throughput: the same messages published the bridge's way
/// (pms-bridge's Publisher: batches, confirms, persistent, mandatory), with no database.

#include <string>

namespace pms::bridge_bench {

/// Messages per second confirmed by the broker, `count` in batches of `batch`.
double broker_confirm_rate(const std::string& amqp_url, int count, int batch);

}  // namespace pms::bridge_bench
