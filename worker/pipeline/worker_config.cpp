/// Reading pms-worker's settings.
#include "worker/pipeline/worker_config.hpp"

#include <stdexcept>

#include "worker/pipeline/address_filter.hpp"

namespace pms::worker {

WorkerConfig WorkerConfig::load(const Config& config) {
    WorkerConfig c;
    c.log_level = config.string("PMS_LOG_LEVEL");
    c.database_url = config.string("PMS_WORKER_DATABASE_URL");

    c.consumer.amqp_url = config.string("PMS_AMQP_URL");
    c.consumer.quorum = config.integer("PMS_AMQP_QUORUM", 0, 1) == 1;
    c.consumer.prefetch = static_cast<uint16_t>(config.integer("PMS_WORKER_PREFETCH", 1, 1000));

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
    c.image.quality = static_cast<int>(config.integer("PMS_IMAGE_QUALITY", 1, 100));

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
