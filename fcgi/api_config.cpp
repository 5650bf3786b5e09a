/// Reading pms-api's settings.
#include "fcgi/api_config.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "fcgi/auth/jwks.hpp"
#include "fcgi/listen_socket.hpp"

namespace pms::api {

namespace {

/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits.
constexpr size_t kMinSecretBytes = 32;

std::optional<std::string> optional_setting(const Config& config, std::string_view name) {
    std::string value = config.string(name);
    return value.empty() ? std::nullopt : std::optional<std::string>(std::move(value));
}

}  // namespace

ApiConfig ApiConfig::from(const Config& config) {
    ApiConfig c;
    c.listen = config.string("PMS_API_LISTEN");
    c.listen_public = config.integer("PMS_API_LISTEN_PUBLIC", 0, 1) == 1;
    // Socket activation ignores PMS_API_LISTEN: a stale value there must not stop the start.
    if (!systemd_passes_socket()) {
        c.listen = checked_listen_address(c.listen, c.listen_public);
    }
    if (config.string("PMS_API_WORKERS").empty()) {
        c.workers = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    } else {
        c.workers = static_cast<int>(config.integer("PMS_API_WORKERS", 1, 1024));
    }
    c.database_connections =
        static_cast<int>(config.integer("PMS_API_DATABASE_CONNECTIONS", 1, 64));
    c.database_url = config.required("PMS_API_DATABASE_URL");
    c.redis_url = config.string("PMS_REDIS_URL");
    c.cache_ttl = std::chrono::seconds(config.integer("PMS_CACHE_TTL", 1, 86400 * 30));
    c.near_cache_bytes = static_cast<size_t>(config.integer("PMS_API_NEAR_CACHE_MB", 0, 4096))
                         << 20U;
    c.max_body_bytes = static_cast<size_t>(config.integer("PMS_API_MAX_BODY", 1024, 64L << 20));

    c.jwt_secret = config.string("PMS_JWT_SECRET");
    if (!c.jwt_secret.empty() && c.jwt_secret.size() < kMinSecretBytes) {
        throw ConfigError("PMS_JWT_SECRET must be at least 32 bytes long (openssl rand -hex 32)");
    }
    c.jwks_file = config.string("PMS_JWT_JWKS_FILE");
    if (c.jwt_secret.empty() && c.jwks_file.empty()) {
        throw ConfigError(
            "no key to check tokens with: set PMS_JWT_SECRET (HS256) or PMS_JWT_JWKS_FILE "
            "(RS256, ES256)");
    }
    if (!c.jwks_file.empty()) {
        c.reload_jwks();
    }
    c.jwt_audience = optional_setting(config, "PMS_JWT_AUDIENCE");
    c.jwt_issuer = optional_setting(config, "PMS_JWT_ISSUER");
    const std::string reads = config.string("PMS_AUTH_READS");
    if (reads != "public" && reads != "authenticated") {
        throw ConfigError("PMS_AUTH_READS must be public or authenticated, not '" + reads + "'");
    }
    c.reads_need_token = reads == "authenticated";
    return c;
}

void ApiConfig::reload_jwks() {
    std::ifstream file(jwks_file, std::ios::binary);
    if (!file) {
        throw ConfigError("PMS_JWT_JWKS_FILE: cannot read " + jwks_file);
    }
    std::stringstream text;
    text << file.rdbuf();
    try {
        if (auth::parse_jwks(text.str()).empty()) {
            throw ConfigError("PMS_JWT_JWKS_FILE: " + jwks_file +
                              " holds no RSA or P-256 key to check tokens with");
        }
    } catch (const auth::JwksError& error) {
        throw ConfigError("PMS_JWT_JWKS_FILE: " + jwks_file + ": " + error.what());
    }
    jwks = text.str();
}

}  // namespace pms::api
