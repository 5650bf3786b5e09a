/// Failure classification: what retries and what fails at once; what clients read and what only
/// the log keeps.
#include "worker/pipeline/failure.hpp"

#include <gtest/gtest.h>

#include <string>

#include "client_vocabulary.hpp"
#include "worker/pipeline/consumer.hpp"
#include "worker/pipeline/gd_image.hpp"

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

TEST(Failure, CarriesItsKindClientTextAndDetail) {
    const Failure failure = permanent_failure(ClientMessage::address_not_allowed(),
                                              "refused address 10.1.2.3 (private)");
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "address not allowed");
    EXPECT_STREQ(failure.detail(), "refused address 10.1.2.3 (private)");
    EXPECT_STREQ(failure.what(), failure.detail());
    EXPECT_FALSE(transient_failure(ClientMessage::upload_failed(), "x").permanent());
    EXPECT_STREQ(name_of(FailureKind::kTransient), "transient");
}

TEST(Failure, WithoutADetailTheClientTextIsTheDetail) {
    const Failure failure(FailureKind::kPermanent, ClientMessage::http_status(404));
    EXPECT_EQ(failure.client_message().text(), "download failed: HTTP 404");
    EXPECT_STREQ(failure.detail(), "download failed: HTTP 404");
}

TEST(ClientMessage, EveryTextIsInTheVocabulary) {
    using vocabulary::IsClientText;
    EXPECT_EQ(ClientMessage::unsupported_scheme().text(),
              "unsupported URL scheme: only http and https are fetched");
    EXPECT_EQ(ClientMessage::address_not_allowed().text(), "address not allowed");
    EXPECT_EQ(ClientMessage::http_status(404).text(), "download failed: HTTP 404");
    EXPECT_EQ(ClientMessage::download_too_large(26214400).text(),
              "download too large: more than 26214400 bytes");
    EXPECT_EQ(ClientMessage::not_an_image().text(),
              "not an image: the bytes are not JPEG, PNG, GIF or WebP");
    EXPECT_EQ(ClientMessage::corrupt_image(gd::Format::kJpeg).text(), "corrupt jpeg image");
    EXPECT_EQ(ClientMessage::too_many_pixels(60000, 60000, 50000000).text(),
              "image too large: 60000x60000 pixels is more than 50000000");
    EXPECT_EQ(ClientMessage::cannot_encode().text(), "cannot encode image");
    EXPECT_EQ(ClientMessage::upload_failed().text(), "upload failed");
    EXPECT_EQ(ClientMessage::internal_error().text(), "internal error");
    EXPECT_EQ(ClientMessage::gave_up(3).text(),
              "gave up after 3 attempts: the last did not finish (the worker stopped or crashed "
              "while processing this image)");
    for (const ClientMessage& message :
         {ClientMessage::unsupported_scheme(), ClientMessage::address_not_allowed(),
          ClientMessage::http_status(404), ClientMessage::http_status(503),
          ClientMessage::download_too_large(1000), ClientMessage::not_an_image(),
          ClientMessage::corrupt_image(gd::Format::kPng),
          ClientMessage::corrupt_image(gd::Format::kGif),
          ClientMessage::corrupt_image(gd::Format::kWebp),
          ClientMessage::too_many_pixels(300, 200, 59999), ClientMessage::cannot_encode(),
          ClientMessage::upload_failed(), ClientMessage::internal_error(),
          ClientMessage::gave_up(1)}) {
        EXPECT_TRUE(IsClientText(message.text()));
    }
}

TEST(ClientMessage, EveryTransferErrorHasAFewWordsOfItsOwn) {
    // Whatever libcurl says (its message names the host, address and port), the client reads
    // words picked by the code alone.
    for (int code = 1; code < CURL_LAST; ++code) {
        const std::string text = ClientMessage::transfer(static_cast<CURLcode>(code)).text();
        EXPECT_TRUE(vocabulary::IsClientText(text)) << "CURLcode " << code;
    }
    EXPECT_EQ(ClientMessage::transfer(CURLE_OPERATION_TIMEDOUT).text(),
              "download failed: timed out");
    EXPECT_EQ(ClientMessage::transfer(CURLE_COULDNT_CONNECT).text(),
              "download failed: cannot connect");
    EXPECT_EQ(ClientMessage::transfer(CURLE_COULDNT_RESOLVE_HOST).text(),
              "download failed: host not found");
    EXPECT_EQ(ClientMessage::transfer(CURLE_TOO_MANY_REDIRECTS).text(),
              "download failed: too many redirects");
    EXPECT_EQ(ClientMessage::transfer(CURLE_PEER_FAILED_VERIFICATION).text(),
              "download failed: TLS error");
    EXPECT_EQ(ClientMessage::transfer(CURLE_RECV_ERROR).text(), "download failed: connection lost");
    EXPECT_EQ(ClientMessage::transfer(CURLE_UNSUPPORTED_PROTOCOL).text(),
              "unsupported URL scheme: only http and https are fetched");
}

/// A failure as the fetcher and the S3 client build it from what libcurl or S3 said.
struct Reported {
    Failure failure;
    std::string original;
};

TEST(ClientMessage, LibraryTextsStayInTheDetail) {
    const std::string refused =
        "Failed to connect to 127.0.0.1 port 28900 after 0 ms: Couldn't connect to server";
    const std::string timed_out =
        "Connection timed out after 10001 milliseconds (connecting to 10.20.30.40 port 443)";
    const std::string resolve = "Could not resolve host: images.internal.example";
    const std::string v6 = "Failed to connect to fd00::17 port 8080 after 3 ms: No route to host";
    const std::string s3_refused =
        "upload to S3 failed: Failed to connect to minio.local port 9000 after 1 ms: Connection "
        "refused";
    const std::string s3_denied = "upload to S3 failed: HTTP 403 AccessDenied";
    const Reported cases[] = {
        {Failure(classify_transfer(CURLE_COULDNT_CONNECT),
                 ClientMessage::transfer(CURLE_COULDNT_CONNECT), "download failed: " + refused),
         refused},
        {Failure(classify_transfer(CURLE_OPERATION_TIMEDOUT),
                 ClientMessage::transfer(CURLE_OPERATION_TIMEDOUT),
                 "download failed: " + timed_out),
         timed_out},
        {Failure(classify_transfer(CURLE_COULDNT_RESOLVE_HOST),
                 ClientMessage::transfer(CURLE_COULDNT_RESOLVE_HOST),
                 "download failed: " + resolve),
         resolve},
        {Failure(classify_transfer(CURLE_COULDNT_CONNECT),
                 ClientMessage::transfer(CURLE_COULDNT_CONNECT), "download failed: " + v6),
         v6},
        {permanent_failure(ClientMessage::address_not_allowed(),
                           "refused address 169.254.169.254 (link-local)"),
         "169.254.169.254"},
        {transient_failure(ClientMessage::upload_failed(), s3_refused), s3_refused},
        {transient_failure(ClientMessage::upload_failed(), s3_denied), s3_denied},
        {transient_failure(ClientMessage::internal_error(),
                           "database: connection to server at \"10.0.0.5\", port 5432 failed"),
         "10.0.0.5"},
    };
    for (const Reported& c : cases) {
        SCOPED_TRACE(c.original);
        EXPECT_TRUE(vocabulary::IsClientText(c.failure.client_message().text()));
        EXPECT_NE(std::string(c.failure.detail()).find(c.original), std::string::npos);
    }
    EXPECT_EQ(cases[0].failure.client_message().text(), "download failed: cannot connect");
    EXPECT_FALSE(cases[0].failure.permanent());
    EXPECT_EQ(cases[1].failure.client_message().text(), "download failed: timed out");
    EXPECT_EQ(cases[4].failure.client_message().text(), "address not allowed");
    EXPECT_EQ(cases[5].failure.client_message().text(), "upload failed");
}

}  // namespace
}  // namespace pms::worker
