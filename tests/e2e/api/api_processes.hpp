#pragma once
/// The pms-api processes of the stack under test: the master (from the stack's pid file) and its
/// children (from /proc).

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace pms::e2e {

/// The master's pid, or 0 when pms-api is not running.
pid_t api_master_pid();
/// The master's children, sorted.
std::vector<pid_t> api_children(pid_t master);
/// Waits (bounded) until `/health` answers 200 through nginx.
bool wait_until_healthy(std::chrono::seconds bound);
/// Waits (bounded) until `done` holds; whether it did.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds bound);
/// The number of children the stack's pms-api runs (PMS_API_WORKERS).
size_t configured_children();
/// Sends SIGHUP to `master` and waits (bounded) until none of its children is one of before the
/// signal; whether that happened.
bool reload_children(pid_t master, std::chrono::milliseconds bound);

}  // namespace pms::e2e
