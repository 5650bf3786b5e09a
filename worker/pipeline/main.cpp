/// pms-worker: wires the settings, the job's collaborators and the consumer, and stops on
/// SIGTERM/SIGINT after the job in flight.
#include <thread>

#include "common/cli.hpp"
#include "common/config.hpp"
#include "common/curl.hpp"
#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "pms/version.hpp"
#include "worker/pipeline/consumer.hpp"
#include "worker/pipeline/fetcher.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/job_store.hpp"
#include "worker/pipeline/retry_publisher.hpp"
#include "worker/pipeline/s3_client.hpp"
#include "worker/pipeline/worker_config.hpp"

namespace {

int run(const pms::worker::WorkerConfig& settings) {
    using namespace pms::worker;
    pms::curl::Global curl;

    // Long downloads and uploads, and PostgreSQL outages waited out inside a job, must not starve
    // the broker connection of heartbeats: the consumer services it meanwhile. It exists only
    // after the parts it runs, hence the pointer.
    Consumer* consumer = nullptr;
    const KeepAlive keep_alive = [&consumer] {
        if (consumer != nullptr) {
            consumer->keep_alive();
        }
    };
    HttpFetcher fetcher(AddressFilter::from_list(settings.fetch_allow), settings.fetch,
                        std::string("pms-worker/") + PMS_VERSION, keep_alive);
    S3Client s3(settings.s3, keep_alive);

    PgJobStore store(settings.database_url, [&](std::chrono::milliseconds duration) {
        if (consumer != nullptr) {
            return consumer->pause(duration);
        }
        const auto deadline = std::chrono::steady_clock::now() + duration;
        while (!pms::stop_requested.load() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return !pms::stop_requested.load();
    });

    JobRunner runner(store, fetcher, s3, settings.image, settings.retry);
    RetryPublisher publisher(settings.consumer.amqp_url, settings.consumer.timeout);
    Consumer loop(settings.consumer, runner, publisher, pms::stop_requested);

    pms::log::info("pms-worker starting", {{"version", PMS_VERSION},
                                           {"prefetch", settings.consumer.prefetch},
                                           {"max_attempts", settings.retry.max_attempts},
                                           {"max_width", settings.image.max_width},
                                           {"max_height", settings.image.max_height},
                                           {"quality", settings.image.quality}});
    try {
        // Connect to PostgreSQL before taking jobs, so a wrong URL shows at once.
        store.connect();
        consumer = &loop;
        loop.run();
    } catch (const Interrupted&) {
        // Stopped while waiting for PostgreSQL at start-up: nothing was taken.
    }
    pms::log::info("pms-worker stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const pms::ProgramInfo info{
        "pms-worker", pms::kWorker,
        "Consumes image jobs from RabbitMQ: downloads each source image, fits it inside the\n"
        "maximum size, encodes it as JPEG, uploads it to S3 and writes the result back to\n"
        "PostgreSQL."};
    if (const auto code = pms::start_program(argc, argv, info)) {
        return *code;
    }
    pms::install_stop_handlers();
    try {
        const pms::worker::WorkerConfig settings =
            pms::worker::WorkerConfig::load(pms::Config(pms::kWorker));
        return run(settings);
    } catch (const pms::ConfigError& error) {
        pms::log::error("invalid configuration", {{"error", error.what()}});
        return 2;
    } catch (const std::exception& error) {
        pms::log::error("pms-worker failed", {{"error", error.what()}});
        return 1;
    }
}
