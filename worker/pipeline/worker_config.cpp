/// Reading pms-worker's settings.
#include "worker/pipeline/worker_config.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>

#include "worker/pipeline/address_filter.hpp"

namespace pms::worker {

WorkerConfig WorkerConfig::load(const Config& config) {
    WorkerConfig c;
    c.log_level = config.string("PMS_LOG_LEVEL");
    c.database_url = config.required("PMS_WORKER_DATABASE_URL");

    c.consumer.amqp_url = config.string("PMS_AMQP_URL");
    c.consumer.quorum = config.integer("PMS_AMQP_QUORUM", 0, 1) == 1;
    c.concurrency = config.string("PMS_WORKER_CONCURRENCY").empty()
                        ? static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))
                        : static_cast<int>(config.integer("PMS_WORKER_CONCURRENCY", 1, 256));
    // Fewer unacknowledged deliveries than threads would leave threads idle.
    const long prefetch = config.string("PMS_WORKER_PREFETCH").empty()
                              ? c.concurrency
                              : config.integer("PMS_WORKER_PREFETCH", 1, 1000);
    c.consumer.prefetch = static_cast<uint16_t>(std::max<long>(prefetch, c.concurrency));

    c.fetch.timeout = std::chrono::seconds(config.integer("PMS_FETCH_TIMEOUT", 1, 3600));
    // A connection that takes a third of the budget is not going to deliver in time anyway.
    c.fetch.connect_timeout =
        std::max(std::chrono::seconds(1), std::min(std::chrono::seconds(10), c.fetch.timeout / 3));
    c.fetch.max_bytes =
        static_cast<size_t>(config.integer("PMS_FETCH_MAX_BYTES", 1, 2L * 1024 * 1024 * 1024));
    c.fetch_allow = config.list("PMS_FETCH_ALLOW");
    try {
        (void)AddressFilter::from_list(c.fetch_allow);
    } catch (const std::invalid_argument& error) {
        throw ConfigError(error.what());
    }

    c.image.max_width = static_cast<int>(config.integer("PMS_IMAGE_MAX_WIDTH", 1, 10000));
    c.image.max_height = static_cast<int>(config.integer("PMS_IMAGE_MAX_HEIGHT", 1, 10000));
    c.image.output.quality = static_cast<int>(config.integer("PMS_IMAGE_QUALITY", 1, 100));
    const std::string format = config.string("PMS_IMAGE_FORMAT");
    const std::optional<OutputFormat> output_format = parse_output_format(format);
    if (!output_format) {
        throw ConfigError("PMS_IMAGE_FORMAT must be jpeg or webp, got '" + format + "'");
    }
    c.image.output.format = *output_format;
    c.image.output.progressive = config.integer("PMS_IMAGE_PROGRESSIVE", 0, 1) == 1;
    c.image.decode.max_pixels = config.integer("PMS_MAX_PIXELS", 1, 1'000'000'000'000L);
    c.image.decode.memory_budget_mb = config.integer("PMS_WORKER_MEMORY_BUDGET", 8, 1'000'000);

    c.s3.endpoint = config.string("PMS_S3_ENDPOINT");
    c.s3.bucket = config.string("PMS_S3_BUCKET");
    c.s3.region = config.string("PMS_S3_REGION");
    c.s3.access_key = config.string("PMS_S3_ACCESS_KEY");
    c.s3.secret_key = config.string("PMS_S3_SECRET_KEY");
    c.s3.public_url = config.string("PMS_S3_PUBLIC_URL");
    if (c.s3.bucket.empty() || c.s3.bucket.find('/') != std::string::npos) {
        throw ConfigError("PMS_S3_BUCKET must be a bucket name, got '" + c.s3.bucket + "'");
    }

    c.retry.max_attempts = static_cast<int>(config.integer("PMS_WORKER_MAX_ATTEMPTS", 1, 100));
    c.retry.base_delay = std::chrono::seconds(config.integer("PMS_WORKER_RETRY_DELAY", 1, 3600));
    return c;
}

}  // namespace pms::worker
