/// Job message parsing, attempt counting and retry copies.
#include "worker/pipeline/job_message.hpp"

#include <gtest/gtest.h>

namespace pms::worker {
namespace {

TEST(JobMessage, ParsesTheOutboxPayload) {
    const JobMessage m = parse_job_message(
        R"({"job_id":42,"product_id":7,"position":1,"source_url":"http://127.0.0.1/a.jpg",)"
        R"("request_id":"req-1","enqueued_at":"2026-11-21T10:00:00+00:00"})");
    EXPECT_EQ(m.job_id, 42);
    EXPECT_EQ(m.product_id, 7);
    EXPECT_EQ(m.position, 1);
    EXPECT_EQ(m.source_url, "http://127.0.0.1/a.jpg");
    EXPECT_EQ(m.request_id, "req-1");
    EXPECT_EQ(m.enqueued_at, "2026-11-21T10:00:00+00:00");
}

TEST(JobMessage, OnlyJobIdIsRequired) {
    const JobMessage m = parse_job_message(R"({"job_id":9007199254740993,"request_id":null})");
    EXPECT_EQ(m.job_id, 9007199254740993);
    EXPECT_EQ(m.product_id, 0);
    EXPECT_EQ(m.position, -1);
    EXPECT_EQ(m.request_id, "");
}

TEST(JobMessage, RejectsMalformedBodies) {
    EXPECT_THROW(parse_job_message(""), MalformedMessage);
    EXPECT_THROW(parse_job_message("not json"), MalformedMessage);
    EXPECT_THROW(parse_job_message("[1,2]"), MalformedMessage);
    EXPECT_THROW(parse_job_message("42"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"product_id":1})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":null})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":"42"})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":0})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":-3})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":1.5})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":1,"source_url":5})"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":1} trailing)"), MalformedMessage);
    EXPECT_THROW(parse_job_message(R"({"job_id":1,"job_id":2})"), MalformedMessage);
}

TEST(JobMessage, AttemptDefaultsToOneAndComesFromTheHeader) {
    amqp::Message message;
    EXPECT_EQ(attempt_of(message), 1);
    message.headers.emplace_back("x-pms-attempt", 3);
    EXPECT_EQ(attempt_of(message), 3);
    amqp::Message odd;
    odd.headers.emplace_back("x-pms-attempt", -5);
    EXPECT_EQ(attempt_of(odd), 1);
}

TEST(JobMessage, RetryCopyKeepsBodyAndIdAndCountsTheAttempt) {
    amqp::Message original;
    original.body = R"({"job_id":42})";
    original.message_id = "42";
    original.persistent = false;
    original.expiration = "999";
    original.headers.emplace_back("x-pms-attempt", 1);
    original.headers.emplace_back("x-other", 7);

    const amqp::Message copy = retry_copy(original, 2, std::chrono::milliseconds(8000));
    EXPECT_EQ(copy.body, original.body);
    EXPECT_EQ(copy.message_id, "42");
    EXPECT_EQ(copy.content_type, "application/json");
    EXPECT_TRUE(copy.persistent);
    EXPECT_EQ(copy.expiration, "8000");
    EXPECT_EQ(copy.header("x-pms-attempt", 0), 2);
    EXPECT_EQ(copy.header("x-other", 0), 7);
    int attempt_headers = 0;
    for (const auto& header : copy.headers) {
        attempt_headers += header.first == "x-pms-attempt" ? 1 : 0;
    }
    EXPECT_EQ(attempt_headers, 1);
    EXPECT_EQ(attempt_of(copy), 2);
}

}  // namespace
}  // namespace pms::worker
