/// Reading pms-api's settings.
#include "fcgi/api_config.hpp"

#include <unistd.h>

namespace pms::api {

ApiConfig ApiConfig::from(const Config& config) {
    ApiConfig c;
    c.listen = config.string("PMS_API_LISTEN");
    if (config.string("PMS_API_WORKERS").empty()) {
        c.workers = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    } else {
        c.workers = static_cast<int>(config.integer("PMS_API_WORKERS", 1, 1024));
    }
    c.database_connections =
        static_cast<int>(config.integer("PMS_API_DATABASE_CONNECTIONS", 1, 64));
    c.database_url = config.string("PMS_API_DATABASE_URL");
    c.redis_url = config.string("PMS_REDIS_URL");
    c.cache_ttl = std::chrono::seconds(config.integer("PMS_CACHE_TTL", 1, 86400 * 30));
    c.max_body_bytes = static_cast<size_t>(config.integer("PMS_API_MAX_BODY", 1024, 64L << 20));
    return c;
}

}  // namespace pms::api
