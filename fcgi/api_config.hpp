#pragma once
/// pms-api's settings, read once at start-up (the token keys again on SIGHUP).

#include <chrono>
#include <optional>
#include <string>

#include "common/config.hpp"

namespace pms::api {

struct ApiConfig {
    std::string listen;
    /// PMS_API_LISTEN_PUBLIC=1: `listen` may be an address that other hosts reach.
    bool listen_public = false;
    int workers = 1;
    /// PostgreSQL connections (and lanes, fcgi/lanes.hpp) per child.
    int database_connections = 4;
    std::string database_url;
    std::string redis_url;
    std::chrono::seconds cache_ttl{1800};
    /// The budget of each child's near cache (fcgi/near_cache.hpp), 0 for none.
    size_t near_cache_bytes = 8U << 20U;
    size_t max_body_bytes = 1U << 20U;

    /// Bearer tokens (fcgi/authenticate.hpp): the HS256 secret, the JWKS file and the text read
    /// from it (each child parses it when it starts), the claims required when set.
    std::string jwt_secret;
    std::string jwks_file;
    std::string jwks;
    std::optional<std::string> jwt_audience;
    std::optional<std::string> jwt_issuer;
    /// PMS_AUTH_READS=authenticated: reading products needs a valid token too.
    bool reads_need_token = false;

    /// Reads and checks every setting; throws ConfigError naming the bad one.
    static ApiConfig from(const Config& config);

    /// Reads jwks_file again (SIGHUP); throws ConfigError, keeping the keys it has, when the file
    /// cannot be read or holds no usable key set.
    void reload_jwks();
};

}  // namespace pms::api
