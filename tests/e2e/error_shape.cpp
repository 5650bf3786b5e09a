/// The error shape check shared by the end-to-end suites.
#include "tests/e2e/error_shape.hpp"

#include <gtest/gtest.h>

namespace pms::e2e {

Json::Value expect_error(const HttpResponse& response, long status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0U)
        << response.header("content-type");
    EXPECT_FALSE(response.header("x-request-id").empty());
    const Json::Value body = response.json();
    EXPECT_EQ(body["error"]["code"].asString(), code) << response.body;
    EXPECT_FALSE(body["error"]["message"].asString().empty()) << response.body;
    EXPECT_TRUE(body["error"]["details"].isArray()) << response.body;
    EXPECT_EQ(body["request_id"].asString(), response.header("x-request-id"));
    return body["error"];
}

}  // namespace pms::e2e
