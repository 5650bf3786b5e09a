/// Reading what api.start_image_job returns.
#include "worker/pipeline/job_store.hpp"

#include <gtest/gtest.h>

#include "common/json.hpp"
#include "common/log.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {
namespace {

Json::Value parse(const char* text) {
    std::string error;
    auto value = json::parse_strict(text, &error);
    EXPECT_TRUE(value.has_value()) << error;
    return value.value_or(Json::Value());
}

TEST(StartDecision, Process) {
    const StartDecision d = parse_start_decision(
        parse(R"({"action":"process","reason":null,"job_id":3,"product_id":2,"position":1,)"
              R"("source_url":"http://127.0.0.1/a.jpg","attempts":4})"));
    EXPECT_TRUE(d.process);
    EXPECT_EQ(d.attempts, 4);
    EXPECT_EQ(d.product_id, 2);
    EXPECT_EQ(d.position, 1);
    EXPECT_EQ(d.source_url, "http://127.0.0.1/a.jpg");
    EXPECT_EQ(d.reason, "");
}

TEST(StartDecision, SkipCarriesTheReason) {
    for (const char* reason : {"done", "superseded", "missing"}) {
        Json::Value value = parse(R"({"action":"skip","job_id":3})");
        value["reason"] = reason;
        const StartDecision d = parse_start_decision(value);
        EXPECT_FALSE(d.process);
        EXPECT_EQ(d.reason, reason);
    }
}

TEST(StartDecision, RejectsOtherShapes) {
    EXPECT_THROW(parse_start_decision(parse("null")), std::runtime_error);
    EXPECT_THROW(parse_start_decision(parse(R"({"action":"dance"})")), std::runtime_error);
    EXPECT_THROW(parse_start_decision(parse(R"({"action":"process","product_id":2})")),
                 std::runtime_error);
}

TEST(PgJobStore, TheLogMasksThePasswordOfAMalformedUrl) {
    // libpq refuses this URL before connecting anywhere, quoting it whole in its message.
    log::init("pms-worker-unit-tests", "warn");
    PgJobStore store("postgresql://pms:s3cret@[::1/pms",
                     [](std::chrono::milliseconds) { return false; });
    ::testing::internal::CaptureStderr();
    EXPECT_THROW(store.connect(), Interrupted);
    const std::string log = ::testing::internal::GetCapturedStderr();
    log::init("pms-worker-unit-tests", "error");
    EXPECT_NE(log.find("PostgreSQL unreachable"), std::string::npos) << log;
    EXPECT_NE(log.find("postgresql://pms:***@[::1/pms"), std::string::npos) << log;
    EXPECT_EQ(log.find("s3cret"), std::string::npos) << log;
}

}  // namespace
}  // namespace pms::worker
