#pragma once
/// pms-api's settings, read once at start-up.

#include <chrono>
#include <string>

#include "common/config.hpp"

namespace pms::api {

struct ApiConfig {
    std::string listen;
    int workers = 1;
    /// PostgreSQL connections (and lanes, fcgi/lanes.hpp) per child.
    int database_connections = 4;
    std::string database_url;
    std::string redis_url;
    std::chrono::seconds cache_ttl{1800};
    size_t max_body_bytes = 1U << 20U;

    /// Reads and checks every setting; throws ConfigError naming the bad one.
    static ApiConfig from(const Config& config);
};

}  // namespace pms::api
