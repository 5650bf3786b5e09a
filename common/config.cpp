/// The settings table and the typed lookups over the environment.
#include "common/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace pms {

namespace {
constexpr unsigned kAll = kApi | kBridge | kWorker;
}  // namespace

const std::vector<Setting>& all_settings() {
    static const std::vector<Setting> table = {
        {"PMS_DATABASE_URL", "postgresql://pms@127.0.0.1:5432/pms", kMigrate,
         "libpq URI of the database as its owner, for db/migrate only"},
        {"PMS_API_DATABASE_URL", "", kApi,
         "libpq URI pms-api connects with (role pms_api); required"},
        {"PMS_BRIDGE_DATABASE_URL", "", kBridge,
         "libpq URI pms-bridge connects with (role pms_bridge); required"},
        {"PMS_WORKER_DATABASE_URL", "", kWorker,
         "libpq URI pms-worker connects with (role pms_worker); required"},
        {"PMS_REDIS_URL", "redis://127.0.0.1:6379/0", kApi | kBridge,
         "Redis for the product cache: redis://[:password@]host[:port][/db]"},
        {"PMS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f", kBridge | kWorker,
         "RabbitMQ: amqp://user:password@host:port/vhost (the vhost \"/\" is written %2f); the "
         "nodes of a cluster comma-separated, tried in order"},
        {"PMS_AMQP_QUORUM", "0", kBridge | kWorker,
         "1 declares the queues as quorum queues (a new broker or new queues only)"},
        {"PMS_S3_ENDPOINT", "http://127.0.0.1:9000", kWorker,
         "S3-compatible endpoint (path-style requests)"},
        {"PMS_S3_BUCKET", "pms-images", kWorker, "bucket for compressed images"},
        {"PMS_S3_REGION", "us-east-1", kWorker, "region used in the SigV4 signature"},
        {"PMS_S3_ACCESS_KEY", "", kWorker, "S3 access key id"},
        {"PMS_S3_SECRET_KEY", "", kWorker, "S3 secret access key"},
        {"PMS_S3_PUBLIC_URL", "", kWorker,
         "base URL of compressed images as clients see them (default: endpoint/bucket)"},
        {"PMS_API_LISTEN", "unix:/run/pms/api.sock", kApi,
         "FastCGI socket when not socket-activated: unix:/path or host:port"},
        {"PMS_API_LISTEN_PUBLIC", "0", kApi,
         "1 lets PMS_API_LISTEN be a TCP address other hosts can reach; by default only loopback "
         "(127.0.0.0/8, ::1) or a unix socket"},
        {"PMS_API_WORKERS", "", kApi, "pre-forked children (default: number of CPUs)"},
        {"PMS_API_DATABASE_CONNECTIONS", "4", kApi,
         "PostgreSQL connections per child: its requests that wait on PostgreSQL run that many at "
         "once"},
        {"PMS_API_NEAR_CACHE_MB", "8", kApi,
         "megabytes of cached products each child keeps itself, kept right by Redis's "
         "invalidation messages (0: every cached GET asks Redis)"},
        {"PMS_API_MAX_BODY", "1048576", kApi,
         "largest request body accepted, in bytes (keep nginx's client_max_body_size equal)"},
        {"PMS_JWT_SECRET", "", kApi,
         "shared secret of HS256 tokens, at least 32 bytes (this or PMS_JWT_JWKS_FILE is "
         "required)"},
        {"PMS_JWT_JWKS_FILE", "", kApi,
         "JWKS file with the public keys of RS256 and ES256 tokens (re-read on SIGHUP)"},
        {"PMS_JWT_AUDIENCE", "", kApi, "when set, a token's aud must name it"},
        {"PMS_JWT_ISSUER", "", kApi, "when set, a token's iss must be it"},
        {"PMS_AUTH_READS", "public", kApi,
         "who may read products: public (anyone, no token needed) or authenticated (a valid "
         "token)"},
        {"PMS_CACHE_TTL", "1800", kApi | kBridge,
         "seconds a cached product (and its version floor) lives in Redis"},
        {"PMS_WORKER_CONCURRENCY", "", kWorker,
         "jobs processed at once, one thread each (default: number of CPUs)"},
        {"PMS_WORKER_PREFETCH", "", kWorker,
         "unacknowledged jobs the broker may send (default and minimum: PMS_WORKER_CONCURRENCY)"},
        {"PMS_WORKER_MAX_ATTEMPTS", "3", kWorker,
         "deliveries of a job before a transient failure is final (then it is dead-lettered)"},
        {"PMS_WORKER_RETRY_DELAY", "2", kWorker,
         "seconds before the first retry of a job; each further retry waits 4 times longer"},
        {"PMS_IMAGE_MAX_WIDTH", "800", kWorker, "width the image is fitted into"},
        {"PMS_IMAGE_MAX_HEIGHT", "600", kWorker, "height the image is fitted into"},
        {"PMS_IMAGE_QUALITY", "75", kWorker, "quality of the output (1-100)"},
        {"PMS_IMAGE_FORMAT", "jpeg", kWorker, "format of the output: jpeg or webp"},
        {"PMS_IMAGE_PROGRESSIVE", "0", kWorker, "1 writes progressive JPEGs"},
        {"PMS_MAX_PIXELS", "50000000", kWorker,
         "largest source image in pixels; larger ones fail without being decoded"},
        {"PMS_WORKER_MEMORY_BUDGET", "64", kWorker,
         "MB the worker's jobs may hold at once to decode and resize images, estimated from each "
         "header; a job waits while others hold its share, and an image needing more than all of "
         "it fails without being decoded"},
        {"PMS_FETCH_ALLOW", "", kWorker,
         "comma-separated IP addresses exempt from the download address filter"},
        {"PMS_FETCH_MAX_BYTES", "26214400", kWorker, "largest download accepted"},
        {"PMS_FETCH_TIMEOUT", "30", kWorker, "seconds a download may take in all"},
        {"PMS_BRIDGE_BATCH", "500", kBridge, "outbox rows published per transaction"},
        {"PMS_BRIDGE_POLL_INTERVAL", "5", kBridge,
         "seconds between outbox polls when no NOTIFY arrives"},
        {"PMS_BRIDGE_STATS_INTERVAL", "60", kBridge,
         "seconds between status reports: delivery rate and backlog in the log and the database"},
        {"PMS_LOG_LEVEL", "info", kAll, "debug, info, warn or error"},
    };
    return table;
}

namespace {

const Setting& find_setting(std::string_view name) {
    const auto& table = all_settings();
    auto it =
        std::find_if(table.begin(), table.end(), [&](const Setting& s) { return name == s.name; });
    if (it == table.end()) {
        // A name missing from the table is a programming error, not an operator's.
        throw std::logic_error("setting not declared in the table: " + std::string(name));
    }
    return *it;
}

const char* environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

std::string Config::string(std::string_view name) const {
    const Setting& setting = find_setting(name);
    if (const char* value = environment(setting.name)) {
        return value;
    }
    return setting.default_value;
}

std::string Config::required(std::string_view name) const {
    std::string value = string(name);
    if (value.empty()) {
        const Setting& setting = find_setting(name);
        throw ConfigError(std::string(setting.name) + " must be set: " + setting.help);
    }
    return value;
}

long Config::integer(std::string_view name, long min, long max) const {
    const std::string text = string(name);
    errno = 0;
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || value < min || value > max) {
        std::ostringstream message;
        message << name << " must be an integer from " << min << " to " << max << ", got '" << text
                << "'";
        throw ConfigError(message.str());
    }
    return value;
}

std::vector<std::string> Config::list(std::string_view name) const {
    std::vector<std::string> items;
    std::istringstream stream(string(name));
    std::string item;
    while (std::getline(stream, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        if (first == std::string::npos) {
            continue;
        }
        const auto last = item.find_last_not_of(" \t");
        items.push_back(item.substr(first, last - first + 1));
    }
    return items;
}

std::string describe_settings(Program program) {
    std::ostringstream out;
    for (const Setting& setting : all_settings()) {
        if ((setting.programs & program) == 0U) {
            continue;
        }
        out << "  " << setting.name << "\n      " << setting.help;
        if (*setting.default_value != '\0') {
            out << " (default: " << setting.default_value << ")";
        }
        out << "\n";
    }
    return out.str();
}

}  // namespace pms
