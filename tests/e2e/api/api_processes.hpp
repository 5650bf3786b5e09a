#pragma once
/// The pms-api processes of the stack under test: the master (from the stack's pid file) and its
/// children (from /proc).

#include <sys/types.h>

#include <chrono>
#include <vector>

namespace pms::e2e {

/// The master's pid, or 0 when pms-api is not running.
pid_t api_master_pid();
/// The master's children, sorted.
std::vector<pid_t> api_children(pid_t master);
/// Waits (bounded) until `/health` answers 200 through nginx.
bool wait_until_healthy(std::chrono::seconds bound);

}  // namespace pms::e2e
