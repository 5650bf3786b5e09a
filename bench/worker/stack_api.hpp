#pragma once
/// What the whole-worker measurements share: requests to the local stack's API (as the admin
/// whose token PMS_BENCH_TOKEN holds) and the worker's peak memory from /proc.

#include <json/value.h>

#include <optional>
#include <string>

namespace pms::bench {

/// One request; the parsed JSON body (throws std::runtime_error unless the status is
/// `expected`). `body` empty: no body.
Json::Value api_call(const std::string& method, const std::string& url, const std::string& body,
                     long expected);

/// The pid in a pid file; nullopt when the file is missing or empty.
std::optional<long> read_pid(const std::string& pid_file);

/// VmHWM of a process in MB; nullopt when the process is gone.
std::optional<double> vm_hwm_mb_of(long pid);

/// VmHWM of the process whose pid file this is; throws when it is not running.
double vm_hwm_mb(const std::string& pid_file);

}  // namespace pms::bench
