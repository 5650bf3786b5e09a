/// pms-worker: wires the settings, the worker threads with their own connections, and the
/// consumer; stops on SIGTERM/SIGINT after the jobs in flight.
#include <memory>

#include "common/cli.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "pms/version.hpp"
#include "worker/pipeline/consumer.hpp"
#include "worker/pipeline/curl.hpp"
#include "worker/pipeline/fetcher.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/job_store.hpp"
#include "worker/pipeline/memory_pool.hpp"
#include "worker/pipeline/reconnect.hpp"
#include "worker/pipeline/retry_publisher.hpp"
#include "worker/pipeline/s3_client.hpp"
#include "worker/pipeline/worker_config.hpp"
#include "worker/pipeline/worker_pool.hpp"

namespace {

using namespace pms::worker;

/// What one worker thread owns: its PostgreSQL connection, its curl handles, and the runner
/// over them.
struct JobContext {
    explicit JobContext(const WorkerConfig& settings)
        : fetcher(AddressFilter::from_list(settings.fetch_allow), settings.fetch,
                  std::string("pms-worker/") + PMS_VERSION),
          s3(settings.s3),
          store(settings.database_url,
                [](std::chrono::milliseconds delay) {
                    return sleep_unless_stopped(delay, pms::stop_requested);
                }),
          runner(store, fetcher, s3, settings.image, settings.retry) {}

    HttpFetcher fetcher;
    S3Client s3;
    PgJobStore store;
    JobRunner runner;
};

int run(WorkerConfig settings) {
    pms::curl::Global curl;
    // One budget for every thread's decodes.
    settings.image.decode.memory =
        std::make_shared<MemoryPool>(settings.image.decode.memory_budget_mb * 1024 * 1024);
    pms::log::info("pms-worker starting",
                   {{"version", PMS_VERSION},
                    {"concurrency", settings.concurrency},
                    {"prefetch", settings.consumer.prefetch},
                    {"max_attempts", settings.retry.max_attempts},
                    {"max_width", settings.image.max_width},
                    {"max_height", settings.image.max_height},
                    {"quality", settings.image.output.quality},
                    {"max_pixels", Json::Int64(settings.image.decode.max_pixels)},
                    {"memory_budget_mb", Json::Int64(settings.image.decode.memory_budget_mb)}});
    {
        WorkerPool pool(settings.concurrency, [&settings]() -> JobFunction {
            auto context = std::make_shared<JobContext>(settings);
            // Connect before taking jobs, so a wrong URL shows at once.
            context->store.connect();
            return [context](const JobMessage& job, int attempt) {
                return context->runner.run(job, attempt);
            };
        });
        RetryPublisher publisher(settings.consumer.amqp_url, settings.consumer.timeout);
        Consumer consumer(settings.consumer, pool, publisher, pms::stop_requested);
        consumer.run();
    }
    pms::log::info("pms-worker stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const pms::ProgramInfo info{
        "pms-worker", pms::kWorker,
        "Consumes image jobs from RabbitMQ: downloads each source image, fits it inside the\n"
        "maximum size, encodes it as JPEG (or WebP), uploads it to S3 and writes the result back\n"
        "to PostgreSQL, PMS_WORKER_CONCURRENCY jobs at once."};
    if (const auto code = pms::start_program(argc, argv, info)) {
        return *code;
    }
    pms::install_stop_handlers();
    try {
        return run(WorkerConfig::load(pms::Config(pms::kWorker)));
    } catch (const pms::ConfigError& error) {
        pms::log::error("invalid configuration", {{"error", error.what()}});
        return 2;
    } catch (const std::exception& error) {
        pms::log::error("pms-worker failed", {{"error", error.what()}});
        return 1;
    }
}
