/// At-least-once delivery: duplicates of done or superseded jobs are acked without a second
/// upload, and an S3 outage is waited out through the delay queue.
#include <gtest/gtest.h>

#include <thread>

#include "image_fixtures.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "worker_stack.hpp"

namespace pms::e2e::worker {
namespace {

std::string small_jpeg(uint32_t colour) {
    fixtures::JpegSpec spec;
    spec.width = 1000;
    spec.height = 700;
    spec.colour = [colour](int x, int y) {
        return (x / 50 + y / 50) % 2 == 0 ? colour : 0xFFFFFFFFU;
    };
    return fixtures::jpeg(spec);
}

/// Waits until the worker logged that it skipped job `job_id` for `reason`, after `from`.
bool skip_logged(long long job_id, const std::string& reason, size_t from) {
    const std::string line = "\"message\":\"job skipped\",\"job_id\":" + std::to_string(job_id) +
                             ",\"reason\":\"" + reason + "\"";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (worker_log().find(line, from) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST(WorkerRedelivery, ADuplicateOfADoneJobIsAckedWithoutASecondUpload) {
    const Product product =
        create_product({publish_on_origin(unique("dup") + ".jpg", small_jpeg(0xFFC02020U))});
    const Json::Value done = wait_until_processed(product);
    ASSERT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    const JobRow before = job_row(product, 0);
    ASSERT_EQ(s3_keys(product).size(), 1U);

    const size_t log_before = worker_log().size();
    publish_job(before.id, product.id);
    EXPECT_TRUE(skip_logged(before.id, "done", log_before));
    const JobRow after = job_row(product, 0);
    EXPECT_EQ(after.status, "done");
    EXPECT_EQ(after.attempts, before.attempts) << "not started again";
    EXPECT_EQ(s3_keys(product).size(), 1U) << "no second upload";
    EXPECT_EQ(get(product.url).json()["compressed_product_images"],
              done["compressed_product_images"]);
}

TEST(WorkerRedelivery, ASupersededJobIsDropped) {
    const std::string first = publish_on_origin(unique("old") + ".jpg", small_jpeg(0xFF2020C0U));
    const Product product = create_product({first});
    ASSERT_EQ(wait_until_processed(product)["image_status"].asString(), "done");
    const JobRow old_job = job_row(product, 0);

    // A PUT replaces the image: the old job is superseded, a new one queued.
    const std::string second = publish_on_origin(unique("new") + ".jpg", small_jpeg(0xFF20C020U));
    const HttpResponse updated =
        put_json(product.url,
                 "{\"product_name\": \"Worker test\", \"product_price\": 1, "
                 "\"product_images\": [\"" +
                     second + "\"]}");
    ASSERT_EQ(updated.status, 200) << updated.body;
    const Json::Value done = wait_for(
        product,
        [&](const Json::Value& body) {
            return body["images"][0]["source_url"].asString() == second &&
                   body["image_status"].asString() == "done";
        },
        std::chrono::seconds(60), "done with the new image");
    const std::vector<std::string> keys = s3_keys(product);
    EXPECT_EQ(keys.size(), 2U);

    const size_t log_before = worker_log().size();
    publish_job(old_job.id, product.id);  // a late copy of the old job's message
    EXPECT_TRUE(skip_logged(old_job.id, "superseded", log_before));
    EXPECT_EQ(s3_keys(product), keys);
    EXPECT_EQ(get(product.url).json()["compressed_product_images"],
              done["compressed_product_images"]);
}

TEST(WorkerTransient, AnS3OutageIsRetriedThroughTheDelayQueue) {
    stack_control("stop", "s3rver");
    const size_t log_before = worker_log().size();
    const Product product =
        create_product({publish_on_origin(unique("s3down") + ".jpg", small_jpeg(0xFF808000U))});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool retried = false;
    while (!retried && std::chrono::steady_clock::now() < deadline) {
        retried = worker_log().find("\"message\":\"job failed, will retry\"", log_before) !=
                  std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stack_control("start", "s3rver");  // whatever happens: the next suites need it
    ASSERT_TRUE(retried) << "the upload failure was not retried";
    EXPECT_NE(worker_log().find("upload to S3 failed", log_before), std::string::npos);

    const Json::Value done = wait_until_processed(product, std::chrono::seconds(60));
    EXPECT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    const JobRow row = job_row(product, 0);
    EXPECT_GE(row.attempts, 2);
    EXPECT_LE(row.attempts, 3);
    EXPECT_EQ(s3_keys(product).size(), 1U);
}

TEST(WorkerTransient, APostgresOutageIsWaitedOutWithTheJobUnacked) {
    // The download takes a few seconds; PostgreSQL goes away meanwhile, so the write-back
    // finds it down and waits for it, holding the job.
    const std::string name = unique("pgdown") + ".jpg";
    publish_on_origin(name, slow_jpeg());
    const Product product = create_product({origin_url() + "/slow/" + name});
    ASSERT_GT(product.id, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (job_row(product, 0).status != "processing" &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const size_t log_before = worker_log().size();
    stack_control("stop", "postgres");
    const auto waiting_until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool waiting = false;
    while (!waiting && std::chrono::steady_clock::now() < waiting_until) {
        waiting = worker_log().find("PostgreSQL unreachable", log_before) != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stack_control("start", "postgres");  // whatever happens: the next tests need it
    EXPECT_TRUE(waiting) << "the worker did not notice PostgreSQL was gone";

    const Json::Value done = wait_until_processed(product);
    EXPECT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    const JobRow row = job_row(product, 0);
    EXPECT_EQ(row.attempts, 1) << "waited out within the same delivery";
    EXPECT_EQ(s3_keys(product).size(), 1U);
}

}  // namespace
}  // namespace pms::e2e::worker
