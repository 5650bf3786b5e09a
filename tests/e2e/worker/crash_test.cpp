/// The worker dying or stopping in the middle of a job: the job is neither lost nor done twice,
/// and a job that keeps killing the worker is given up instead of coming back forever.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/stack.hpp"
#include "worker_stack.hpp"

namespace pms::e2e::worker {
namespace {

/// A product whose one image downloads slowly (a few seconds through the origin's /slow/).
Product slow_product() {
    const std::string name = unique("slow") + ".jpg";
    publish_on_origin(name, slow_jpeg());
    return create_product({origin_url() + "/slow/" + name});
}

/// Waits until the job has been started `attempts` times and is being processed.
void wait_for_attempt(const Product& product, int attempts) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    JobRow row;
    while (std::chrono::steady_clock::now() < deadline) {
        row = job_row(product, 0);
        if (row.attempts == attempts && row.status == "processing") {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "attempt " << attempts << " never started: " << row.status << "/" << row.attempts;
}

/// Log lines that say job `job_id` completed.
int completions_logged(long long job_id) {
    const std::string log = worker_log();
    const std::string needle =
        "\"message\":\"job completed\",\"job_id\":" + std::to_string(job_id) + ",";
    int count = 0;
    for (size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

TEST(WorkerCrash, AJobKilledMidwayIsRedeliveredAndFinishedOnce) {
    const Product product = slow_product();
    ASSERT_GT(product.id, 0);
    wait_for_attempt(product, 1);
    kill_worker();  // SIGKILL: no chance to ack, hand back or clean up
    EXPECT_EQ(job_row(product, 0).status, "processing");
    start_worker();

    const Json::Value done = wait_until_processed(product);
    ASSERT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    const JobRow row = job_row(product, 0);
    EXPECT_EQ(row.attempts, 2) << "delivered twice";
    EXPECT_EQ(completions_logged(row.id), 1) << "completed once";
    const std::vector<std::string> keys = s3_keys(product);
    ASSERT_EQ(keys.size(), 1U) << "one object in S3";
    const std::string url = done["compressed_product_images"][0].asString();
    EXPECT_EQ(url.substr(url.size() - keys[0].size()), keys[0]);
}

TEST(WorkerCrash, AJobThatKeepsKillingTheWorkerIsGivenUp) {
    // PMS_WORKER_MAX_ATTEMPTS is 3: three deliveries die with the worker, the fourth gives up.
    const Product product = slow_product();
    ASSERT_GT(product.id, 0);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        wait_for_attempt(product, attempt);
        kill_worker();
        start_worker();
    }
    const Json::Value done = wait_until_processed(product);
    EXPECT_EQ(done["image_status"].asString(), "failed") << done.toStyledString();
    EXPECT_EQ(done["images"][0]["error"].asString(),
              "gave up after 3 attempts: the last did not finish (the worker stopped or crashed "
              "while processing this image)");
    EXPECT_TRUE(s3_keys(product).empty());
    EXPECT_TRUE(take_dead_letter(job_row(product, 0).id, std::chrono::seconds(10)));
}

TEST(WorkerStop, SigtermFinishesTheJobInFlightBeforeExiting) {
    const Product product = slow_product();
    ASSERT_GT(product.id, 0);
    wait_for_attempt(product, 1);
    const size_t log_before = worker_log().size();
    stack_control("stop", "pms-worker");  // SIGTERM, then waits for the exit
    EXPECT_EQ(worker_pid(), 0);
    const JobRow row = job_row(product, 0);
    EXPECT_EQ(row.status, "done") << "finished before exiting";
    EXPECT_EQ(row.attempts, 1);
    EXPECT_NE(
        worker_log().find("\"message\":\"stopping: finishing the jobs in flight\"", log_before),
        std::string::npos);
    EXPECT_NE(worker_log().find("\"message\":\"pms-worker stopped\"", log_before),
              std::string::npos);
    start_worker();
    EXPECT_EQ(s3_keys(product).size(), 1U);
}

}  // namespace
}  // namespace pms::e2e::worker
