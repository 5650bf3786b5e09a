#pragma once
/// The pre-fork master: takes the listening socket, forks the children and supervises them.

#include "fcgi/api_config.hpp"

namespace pms::api {

/// Runs until SIGTERM/SIGINT: forks `config.workers` children, replaces a child that dies (with
/// backoff when they die in a loop), on SIGHUP replaces them one at a time, and on SIGTERM lets
/// each finish its request in flight. Returns the process exit code.
int run_master(const ApiConfig& config);

}  // namespace pms::api
