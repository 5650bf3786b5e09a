#pragma once
/// A pre-forked child: its own PostgreSQL and Redis connections, serving FastCGI requests
/// until told to stop.

#include "fcgi/api_config.hpp"
#include "fcgi/metrics.hpp"

namespace pms::api {

/// Serves requests on `listen_fd` until SIGTERM (finishing the request in flight) or until the
/// master dies, counting them in the shared `metrics`. Returns the process exit code.
int run_child(int listen_fd, const ApiConfig& config, Metrics& metrics);

}  // namespace pms::api
