#include <gtest/gtest.h>

#include "common/json.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/database.hpp"
#include "fcgi/http.hpp"
#include "fcgi/http_status.hpp"
#include "fcgi/metrics.hpp"
#include "fcgi/sqlstate.hpp"

namespace {

using pms::api::http_status_for_sqlstate;

TEST(SqlstateTable, ClientErrors) {
    EXPECT_EQ(http_status_for_sqlstate("P0002"), 404);
    EXPECT_EQ(http_status_for_sqlstate("23505"), 409);
    EXPECT_EQ(http_status_for_sqlstate("23514"), 422);
    EXPECT_EQ(http_status_for_sqlstate("23502"), 422);
    EXPECT_EQ(http_status_for_sqlstate("23503"), 422);
    EXPECT_EQ(http_status_for_sqlstate("22023"), 422);
    EXPECT_EQ(http_status_for_sqlstate("22003"), 422);
    EXPECT_EQ(http_status_for_sqlstate("22P02"), 400);
    EXPECT_EQ(http_status_for_sqlstate("42501"), 403);  // another user's product, as PostgREST
}

TEST(SqlstateTable, DependencyTroubleIsRetryable) {
    EXPECT_EQ(http_status_for_sqlstate("08006"), 503);
    EXPECT_EQ(http_status_for_sqlstate("53300"), 503);
    EXPECT_EQ(http_status_for_sqlstate("57P01"), 503);
    EXPECT_EQ(http_status_for_sqlstate("57P03"), 503);
    EXPECT_EQ(http_status_for_sqlstate("40001"), 503);
    EXPECT_EQ(http_status_for_sqlstate("57014"), 503);
}

TEST(SqlstateTable, EverythingElseIsOurFault) {
    EXPECT_EQ(http_status_for_sqlstate("42883"), 500);  // a missing function
    EXPECT_EQ(http_status_for_sqlstate("P0001"), 500);  // a bare RAISE EXCEPTION
    EXPECT_EQ(http_status_for_sqlstate(""), 500);
}

TEST(PgMessage, SplitsMessageAndDetail) {
    const auto parts = pms::api::parse_pg_message(
        "ERROR:  product_name must be 1 to 200 characters\nDETAIL:  {\"field\": "
        "\"product_name\"}\nCONTEXT:  PL/pgSQL function api.create_product\n");
    EXPECT_EQ(parts.message, "product_name must be 1 to 200 characters");
    EXPECT_EQ(parts.detail, "{\"field\": \"product_name\"}");
}

TEST(PgMessage, WithoutPrefix) {
    const auto parts = pms::api::parse_pg_message("something odd\n");
    EXPECT_EQ(parts.message, "something odd");
    EXPECT_EQ(parts.detail, "");
}

TEST(ErrorResponse, HasTheDesignShape) {
    Json::Value details(Json::arrayValue);
    details.append("x");
    const auto error = pms::api::error_with_status(422, "bad price", details);
    const auto response = pms::api::error_response(error, "rid-1");
    EXPECT_EQ(response.status, 422);
    auto body = pms::json::parse_strict(response.body, nullptr);
    ASSERT_TRUE(body);
    EXPECT_EQ((*body)["error"]["code"].asString(), "validation_failed");
    EXPECT_EQ((*body)["error"]["message"].asString(), "bad price");
    EXPECT_EQ((*body)["error"]["details"][0].asString(), "x");
    EXPECT_EQ((*body)["request_id"].asString(), "rid-1");
}

TEST(ResponseHead, CarriesStatusRequestIdAndCache) {
    pms::api::Response response = pms::api::Response::json(201, "{}");
    response.cache = "MISS";
    response.headers.emplace_back("Location", "/api/v1/products/7");
    const std::string head = pms::api::response_head(response, "abc");
    EXPECT_EQ(head.rfind("Status: 201 Created\r\n", 0), 0U);
    EXPECT_NE(head.find("Content-Type: application/json\r\n"), std::string::npos);
    EXPECT_NE(head.find("Content-Length: 2\r\n"), std::string::npos);
    EXPECT_NE(head.find("X-Request-Id: abc\r\n"), std::string::npos);
    EXPECT_NE(head.find("X-Cache: MISS\r\n"), std::string::npos);
    EXPECT_NE(head.find("Location: /api/v1/products/7\r\n"), std::string::npos);
    EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(ResponseHead, NoContentHasNoContentType) {
    pms::api::Response response;
    response.status = 204;
    EXPECT_EQ(pms::api::response_head(response, "r").find("Content-Type"), std::string::npos);
}

TEST(HttpStatuses, EveryErrorStatusHasAReasonAndACode) {
    for (const pms::api::HttpStatus& status : pms::api::kHttpStatuses) {
        EXPECT_STREQ(pms::api::reason_phrase(status.status), status.reason);
        EXPECT_EQ(status.error_code != nullptr, status.status >= 400) << status.status;
    }
    EXPECT_STREQ(pms::api::error_code_for(401), "unauthorized");
    EXPECT_STREQ(pms::api::error_code_for(599), "internal_error");
    EXPECT_STREQ(pms::api::reason_phrase(599), "Unknown");
}

TEST(HttpStatuses, EverySqlstateStatusIsInTheTable) {
    for (const char* sqlstate : {"P0002", "42501", "23505", "23514", "22P02", "40001", "42883"}) {
        const int status = http_status_for_sqlstate(sqlstate);
        EXPECT_LT(pms::api::http_status_index(status), pms::api::kHttpStatuses.size()) << sqlstate;
    }
}

TEST(HttpStatuses, MetricsCountEveryStatusOfTheTableUnderItsOwnLabel) {
    pms::api::Metrics metrics = pms::api::Metrics::create_shared();
    for (const pms::api::HttpStatus& status : pms::api::kHttpStatuses) {
        metrics.record(0, status.status, std::chrono::microseconds(1), "");
    }
    metrics.record(0, 418, std::chrono::microseconds(1), "");
    const std::string_view route = "GET /x";
    const std::string text = metrics.prometheus_text(&route, 1);
    for (const pms::api::HttpStatus& status : pms::api::kHttpStatuses) {
        EXPECT_NE(text.find("status=\"" + std::to_string(status.status) + "\"} 1\n"),
                  std::string::npos)
            << status.status;
    }
    EXPECT_NE(text.find("status=\"other\"} 1\n"), std::string::npos);
}

}  // namespace
