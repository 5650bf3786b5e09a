#pragma once
/// pms-worker's settings, read once from the environment (the table in common/config.cpp) into
/// one struct.

#include <string>
#include <vector>

#include "common/config.hpp"
#include "worker/pipeline/consumer.hpp"
#include "worker/pipeline/fetcher.hpp"
#include "worker/pipeline/image_transform.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/s3_client.hpp"

namespace pms::worker {

struct WorkerConfig {
    std::string log_level;
    std::string database_url;
    int concurrency = 1;  ///< worker threads
    ConsumerSettings consumer;
    FetchLimits fetch;
    std::vector<std::string> fetch_allow;
    TransformOptions image;
    S3Settings s3;
    RetrySettings retry;

    /// Reads and checks every setting; throws ConfigError naming the first bad one.
    static WorkerConfig load(const Config& config);
};

}  // namespace pms::worker
