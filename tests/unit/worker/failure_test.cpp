/// Failure classification: what retries and what fails at once.
#include "worker/pipeline/failure.hpp"

#include <gtest/gtest.h>

#include "worker/pipeline/consumer.hpp"

namespace pms::worker {
namespace {

TEST(Failure, OriginClientErrorsArePermanent) {
    EXPECT_EQ(classify_origin_status(400), FailureKind::kPermanent);
    EXPECT_EQ(classify_origin_status(403), FailureKind::kPermanent);
    EXPECT_EQ(classify_origin_status(404), FailureKind::kPermanent);
    EXPECT_EQ(classify_origin_status(410), FailureKind::kPermanent);
    EXPECT_EQ(classify_origin_status(451), FailureKind::kPermanent);
}

TEST(Failure, OriginServerErrorsAndBackPressureAreTransient) {
    EXPECT_EQ(classify_origin_status(500), FailureKind::kTransient);
    EXPECT_EQ(classify_origin_status(502), FailureKind::kTransient);
    EXPECT_EQ(classify_origin_status(503), FailureKind::kTransient);
    EXPECT_EQ(classify_origin_status(504), FailureKind::kTransient);
    EXPECT_EQ(classify_origin_status(408), FailureKind::kTransient);
    EXPECT_EQ(classify_origin_status(429), FailureKind::kTransient);
}

TEST(Failure, NetworkTroubleIsTransient) {
    EXPECT_EQ(classify_transfer(CURLE_OPERATION_TIMEDOUT), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_COULDNT_CONNECT), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_RECV_ERROR), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_SEND_ERROR), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_GOT_NOTHING), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_PARTIAL_FILE), FailureKind::kTransient);
    EXPECT_EQ(classify_transfer(CURLE_COULDNT_RESOLVE_HOST), FailureKind::kTransient);
}

TEST(Failure, BadRequestsArePermanent) {
    EXPECT_EQ(classify_transfer(CURLE_UNSUPPORTED_PROTOCOL), FailureKind::kPermanent);
    EXPECT_EQ(classify_transfer(CURLE_URL_MALFORMAT), FailureKind::kPermanent);
    EXPECT_EQ(classify_transfer(CURLE_TOO_MANY_REDIRECTS), FailureKind::kPermanent);
    EXPECT_EQ(classify_transfer(CURLE_FILESIZE_EXCEEDED), FailureKind::kPermanent);
    EXPECT_EQ(classify_transfer(CURLE_PEER_FAILED_VERIFICATION), FailureKind::kPermanent);
}

TEST(Failure, OnlyTransientFailuresWithAttemptsLeftRetry) {
    EXPECT_TRUE(should_retry(FailureKind::kTransient, 1, 3));
    EXPECT_TRUE(should_retry(FailureKind::kTransient, 2, 3));
    EXPECT_FALSE(should_retry(FailureKind::kTransient, 3, 3));
    EXPECT_FALSE(should_retry(FailureKind::kTransient, 7, 3));
    EXPECT_FALSE(should_retry(FailureKind::kPermanent, 1, 3));
    EXPECT_FALSE(should_retry(FailureKind::kTransient, 1, 1));
}

TEST(Failure, OutcomesDecideTheMessageFate) {
    EXPECT_EQ(disposition_of(JobOutcome::Kind::kCompleted), Disposition::kAck);
    EXPECT_EQ(disposition_of(JobOutcome::Kind::kSkipped), Disposition::kAck);
    EXPECT_EQ(disposition_of(JobOutcome::Kind::kRetry), Disposition::kRetryThenAck);
    EXPECT_EQ(disposition_of(JobOutcome::Kind::kFailed), Disposition::kDeadLetter);
}

TEST(Failure, CarriesItsKindAndMessage) {
    const Failure failure = permanent_failure("download failed: HTTP 404");
    EXPECT_TRUE(failure.permanent());
    EXPECT_STREQ(failure.what(), "download failed: HTTP 404");
    EXPECT_FALSE(transient_failure("x").permanent());
    EXPECT_STREQ(name_of(FailureKind::kTransient), "transient");
}

}  // namespace
}  // namespace pms::worker
