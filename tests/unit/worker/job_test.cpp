/// One job end to end against stand-ins for PostgreSQL, the origin and S3: what is called, what
/// is recorded, and the outcome that decides the message's fate.
#include "worker/pipeline/job.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "client_vocabulary.hpp"
#include "common/log.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/gd_image.hpp"
#include "worker/pipeline/sha256.hpp"

namespace pms::worker {
namespace {

/// The job logs; without an appender log4cplus complains on every test run.
class QuietLog : public ::testing::Environment {
public:
    void SetUp() override { log::init("pms-worker-unit-tests", "error"); }
};
[[maybe_unused]] ::testing::Environment* const kQuietLog =
    ::testing::AddGlobalTestEnvironment(new QuietLog);

struct FakeStore : JobStore {
    StartDecision decision;
    std::vector<std::pair<int64_t, CompletedImage>> completed;
    std::vector<std::pair<int64_t, std::string>> failed;
    std::vector<std::string> request_ids;

    StartDecision start(int64_t /*job_id*/, const std::string& request_id) override {
        request_ids.push_back(request_id);
        return decision;
    }
    std::string complete(int64_t job_id, const CompletedImage& image,
                         const std::string& /*request_id*/) override {
        completed.emplace_back(job_id, image);
        return "done";
    }
    std::string fail(int64_t job_id, const ClientMessage& error,
                     const std::string& /*request_id*/) override {
        failed.emplace_back(job_id, error.text());
        return "failed";
    }
};

struct FakeSource : ImageSource {
    std::string body;
    std::optional<Failure> failure;
    std::vector<std::string> urls;
    std::string fetch(const std::string& url) override {
        urls.push_back(url);
        if (failure) {
            throw *failure;
        }
        return body;
    }
};

struct FakeObjects : ObjectStore {
    std::vector<std::pair<std::string, std::string>> puts;  // key, body
    std::vector<std::string> content_types;
    std::optional<Failure> failure;
    void put(const S3Object& object) override {
        if (failure) {
            throw *failure;
        }
        puts.emplace_back(object.key, std::string(object.body));
        content_types.push_back(object.content_type + "|" + object.cache_control + "|" +
                                object.sha256_hex);
    }
    std::string public_url(std::string_view key) const override {
        return "http://s3.test/pms-images/" + std::string(key);
    }
};

class JobTest : public ::testing::Test {
protected:
    JobTest() {
        store_.decision.process = true;
        store_.decision.product_id = 7;
        store_.decision.position = 0;
        store_.decision.source_url = "http://origin.test/current.png";
        source_.body = gd::Image::blank(1200, 1800).encode_png();
        message_.job_id = 42;
        message_.request_id = "req-42";
        message_.source_url = "http://origin.test/queued.png";
    }

    JobOutcome run(int attempt) {
        JobRunner runner(store_, source_, objects_, TransformOptions{},
                         RetrySettings{3, std::chrono::milliseconds(2000)});
        return runner.run(message_, attempt);
    }

    FakeStore store_;
    FakeSource source_;
    FakeObjects objects_;
    JobMessage message_;
};

TEST_F(JobTest, CompletesWithAContentAddressedUpload) {
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kCompleted);
    EXPECT_EQ(outcome.detail, "done");
    EXPECT_EQ(store_.request_ids, std::vector<std::string>{"req-42"});
    // The database's source URL wins over the one in the (older) message.
    EXPECT_EQ(source_.urls, std::vector<std::string>{"http://origin.test/current.png"});

    ASSERT_EQ(objects_.puts.size(), 1U);
    const auto& [key, body] = objects_.puts[0];
    EXPECT_EQ(key, "products/7/" + sha256_hex(body) + ".jpg");
    EXPECT_EQ(objects_.content_types[0],
              "image/jpeg|public, max-age=31536000, immutable|" + sha256_hex(body));

    ASSERT_EQ(store_.completed.size(), 1U);
    const CompletedImage& image = store_.completed[0].second;
    EXPECT_EQ(store_.completed[0].first, 42);
    EXPECT_EQ(image.compressed_url, "http://s3.test/pms-images/" + key);
    EXPECT_EQ(image.width, 400);
    EXPECT_EQ(image.height, 600);
    EXPECT_EQ(image.bytes, static_cast<int64_t>(body.size()));
    EXPECT_TRUE(store_.failed.empty());
}

TEST_F(JobTest, SkipsWhatTheDatabaseSaysToSkip) {
    store_.decision = StartDecision{};
    store_.decision.reason = "done";
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kSkipped);
    EXPECT_EQ(outcome.detail, "done");
    EXPECT_TRUE(source_.urls.empty());
    EXPECT_TRUE(objects_.puts.empty());
    EXPECT_TRUE(store_.completed.empty());
}

TEST_F(JobTest, PermanentFailuresAreRecordedAtOnce) {
    source_.failure = Failure(FailureKind::kPermanent, ClientMessage::http_status(404));
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second, "download failed: HTTP 404");
    EXPECT_TRUE(objects_.puts.empty());
}

TEST_F(JobTest, NonImagesFailPermanently) {
    source_.body = "<html></html>";
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second, "not an image: the bytes are not JPEG, PNG, GIF or WebP");
}

TEST_F(JobTest, TransientFailuresRetryWithBackoff) {
    objects_.failure = transient_failure(ClientMessage::upload_failed(),
                                         "upload to S3 failed: Couldn't connect to server");
    JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kRetry);
    EXPECT_EQ(outcome.retry_delay, std::chrono::milliseconds(2000));
    outcome = run(2);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kRetry);
    EXPECT_EQ(outcome.retry_delay, std::chrono::milliseconds(8000));
    EXPECT_TRUE(store_.failed.empty());
    EXPECT_TRUE(store_.completed.empty());
}

TEST_F(JobTest, TheLastAttemptRecordsTheFailure) {
    objects_.failure =
        transient_failure(ClientMessage::upload_failed(), "upload to S3 failed: HTTP 503 SlowDown");
    const JobOutcome outcome = run(3);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second, "upload failed");
    EXPECT_EQ(outcome.detail, "upload to S3 failed: HTTP 503 SlowDown");
}

TEST_F(JobTest, TheImageRecordsTheClientTextNeverTheDetail) {
    const std::string detail =
        "download failed: Failed to connect to 10.0.0.7 port 28900 after 0 ms: Couldn't connect "
        "to server";
    source_.failure =
        Failure(FailureKind::kTransient, ClientMessage::transfer(CURLE_COULDNT_CONNECT), detail);
    const JobOutcome outcome = run(3);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second, "download failed: cannot connect");
    EXPECT_TRUE(vocabulary::IsClientText(store_.failed[0].second));
    EXPECT_EQ(outcome.detail, detail);  // what the log line carries
}

TEST_F(JobTest, RedeliveriesThatNeverFinishedCountAsAttempts) {
    // The worker crashed on deliveries 1 and 2 of a job: the message comes back still saying
    // attempt 1, but the database counted three starts.
    store_.decision.attempts = 3;
    objects_.failure =
        transient_failure(ClientMessage::upload_failed(), "upload to S3 failed: HTTP 503");
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed) << "attempt 3 of 3 was the last";
    EXPECT_EQ(outcome.attempt, 3);
}

TEST_F(JobTest, TheLogLineKeepsTheDetailAndTheRequestId) {
    source_.failure =
        Failure(FailureKind::kTransient, ClientMessage::transfer(CURLE_COULDNT_CONNECT),
                "download failed: Failed to connect to 10.0.0.7 port 28900 after 0 "
                "ms: Couldn't connect to server");
    log::init("pms-worker-unit-tests", "warn");
    log::set_request_id(message_.request_id);  // as the worker pool does around a job
    ::testing::internal::CaptureStderr();
    run(3);
    const std::string log = ::testing::internal::GetCapturedStderr();
    log::set_request_id("");
    log::init("pms-worker-unit-tests", "error");
    EXPECT_NE(log.find("\"message\":\"job failed\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"request_id\":\"req-42\""), std::string::npos) << log;
    EXPECT_NE(log.find("10.0.0.7 port 28900"), std::string::npos) << log;
    EXPECT_NE(log.find("\"client_error\":\"download failed: cannot connect\""), std::string::npos)
        << log;
}

TEST_F(JobTest, TheLoggedSourceUrlHasNoPassword) {
    store_.decision.source_url = "http://user:hunter2@origin.test/current.png";
    log::init("pms-worker-unit-tests", "debug");
    ::testing::internal::CaptureStderr();
    run(1);
    const std::string log = ::testing::internal::GetCapturedStderr();
    log::init("pms-worker-unit-tests", "error");
    EXPECT_NE(log.find("http://user:***@origin.test/current.png"), std::string::npos) << log;
    EXPECT_EQ(log.find("hunter2"), std::string::npos) << log;
}

TEST_F(JobTest, AJobWhoseDeliveriesKeepDyingIsGivenUp) {
    store_.decision.attempts = 4;  // a fourth start of a job allowed three
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kFailed);
    EXPECT_TRUE(source_.urls.empty()) << "not processed again";
    EXPECT_TRUE(objects_.puts.empty());
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second,
              "gave up after 3 attempts: the last did not finish (the worker stopped or crashed "
              "while processing this image)");
}

TEST_F(JobTest, RetriesCarryTheAttemptTheyCountedAs) {
    store_.decision.attempts = 2;
    objects_.failure =
        transient_failure(ClientMessage::upload_failed(), "upload to S3 failed: HTTP 503");
    const JobOutcome outcome = run(1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kRetry);
    EXPECT_EQ(outcome.attempt, 2);
    EXPECT_EQ(outcome.retry_delay, std::chrono::milliseconds(8000));
}

TEST_F(JobTest, UnforeseenErrorsCountAsTransient) {
    struct ThrowingSource : ImageSource {
        std::string fetch(const std::string&) override { throw std::runtime_error("boom"); }
    } throwing;
    JobRunner runner(store_, throwing, objects_, TransformOptions{}, RetrySettings{});
    const JobOutcome outcome = runner.run(message_, 1);
    EXPECT_EQ(outcome.kind, JobOutcome::Kind::kRetry);
    EXPECT_EQ(outcome.detail, "internal error: boom");

    const JobOutcome last = runner.run(message_, 3);
    EXPECT_EQ(last.kind, JobOutcome::Kind::kFailed);
    ASSERT_EQ(store_.failed.size(), 1U);
    EXPECT_EQ(store_.failed[0].second, "internal error");
}

TEST_F(JobTest, InterruptionPropagates) {
    struct InterruptedStore : FakeStore {
        StartDecision start(int64_t, const std::string&) override { throw Interrupted(); }
    } interrupted;
    JobRunner runner(interrupted, source_, objects_, TransformOptions{}, RetrySettings{});
    EXPECT_THROW(runner.run(message_, 1), Interrupted);
}

TEST(RetryDelay, GrowsFourfoldFromTheBase) {
    using std::chrono::milliseconds;
    EXPECT_EQ(retry_delay(1, milliseconds(2000)), milliseconds(2000));
    EXPECT_EQ(retry_delay(2, milliseconds(2000)), milliseconds(8000));
    EXPECT_EQ(retry_delay(3, milliseconds(2000)), milliseconds(32000));
    EXPECT_EQ(retry_delay(2, milliseconds(100)), milliseconds(400));
}

TEST(RetryDelay, IsCappedAndNeverOverflows) {
    using std::chrono::milliseconds;
    EXPECT_EQ(retry_delay(100, milliseconds(2000)), std::chrono::hours(1));
    EXPECT_EQ(retry_delay(1000000, milliseconds(2000)), std::chrono::hours(1));
    EXPECT_EQ(retry_delay(0, milliseconds(2000)), milliseconds(2000));
    EXPECT_GT(retry_delay(1, milliseconds(0)), milliseconds(0));
}

}  // namespace
}  // namespace pms::worker
