/// nginx with the shipped configuration (nginx/pms.conf.in, rendered by scripts/test for its own
/// paths and port) in front of a FastCGI stand-in for pms-api: every error nginx answers itself
/// has the JSON error shape, and what it passes to and from pms-api follows the contract.
///
/// Environment (scripts/test sets it): PMS_API_URL, the test nginx; PMS_NGINX_TEST_UPSTREAM, the
/// unix socket its upstream points at (nothing listens there unless a test starts a stand-in);
/// PMS_NGINX_TEST_LOG_DIR, its log folder.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

#include "common/json.hpp"
#include "tests/e2e/error_shape.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "tests/ops/fcgi_standin.hpp"

namespace pms::ops {
namespace {

using e2e::api_url;
using e2e::expect_error;
using e2e::HttpResponse;
using e2e::request;

/// A client address other than 127.0.0.1, which the configuration exempts from rate limiting and
/// allows /metrics.
constexpr const char* kOtherClient = "127.0.0.2";

std::string setting(const char* name) {
    const char* value = std::getenv(name);
    EXPECT_TRUE(value != nullptr && *value != '\0') << name << " is not set: run scripts/test ops";
    return value == nullptr ? "" : value;
}

std::string upstream_socket() {
    return setting("PMS_NGINX_TEST_UPSTREAM");
}

bool is_request_id(const std::string& id) {
    return std::regex_match(id, std::regex("[0-9a-f]{32}"));
}

/// nginx's own error: the shape, and the request id nginx assigned.
void expect_nginx_error(const HttpResponse& response, long status, const std::string& code) {
    expect_error(response, status, code);
    EXPECT_TRUE(is_request_id(response.header("x-request-id"))) << response.header("x-request-id");
}

/// A JSON answer with its Content-Length, which nginx's gzip_min_length goes by.
std::string cgi_json(const std::string& status, const std::string& body) {
    return "Status: " + status +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

/// The stand-in's answers, by path: what each test needs pms-api to do.
std::string routes(const ParamLookup& param) {
    const std::string path = param("DOCUMENT_URI");
    if (path == "/api/echo" || path == "/metrics" || path == "/health") {
        Json::Value seen;
        seen["request_id"] = param("REQUEST_ID");
        seen["client_request_id"] = param("HTTP_X_REQUEST_ID");
        seen["content_length"] = param("CONTENT_LENGTH");
        return cgi_json("200 OK", json::compact(seen));
    }
    if (path == "/api/large") {
        return cgi_json("200 OK", "{\"filler\":\"" + std::string(4096, 'x') + "\"}");
    }
    if (path == "/api/own-error") {
        return "Status: 503 Service Unavailable\r\nContent-Type: application/json\r\n"
               "X-Request-Id: from-the-api\r\nRetry-After: 7\r\n\r\n{\"own\":true}";
    }
    if (path == "/api/redirect-to-nowhere") {
        // nginx cannot follow it: its own 500.
        return "X-Accel-Redirect: @pms_no_such_location\r\n\r\n";
    }
    if (path == "/api/redirect-to-503") {
        return "X-Accel-Redirect: /_pms_error/503\r\n\r\n";
    }
    return cgi_json("404 Not Found", "{}");
}

TEST(NginxErrors, MalformedRequestsAre400) {
    // HTTP/1.1 requires a Host; curl sends an empty one.
    expect_nginx_error(request("GET", api_url() + "/health", "", "", {{"Host", ""}}), 400,
                       "bad_request");
    // One header line over large_client_header_buffers (nginx's 494).
    expect_nginx_error(
        request("GET", api_url() + "/health", "", "", {{"X-Big", std::string(9000, 'a')}}), 400,
        "bad_request");
}

TEST(NginxErrors, PathsOutsideTheApiAre404) {
    expect_nginx_error(request("GET", api_url() + "/nothing"), 404, "not_found");
    // The error page wins over the extension's type.
    expect_nginx_error(request("GET", api_url() + "/logo.png"), 404, "not_found");
    // The error pages themselves are internal.
    expect_nginx_error(request("GET", api_url() + "/_pms_error/500"), 404, "not_found");
}

TEST(NginxErrors, TraceIs405) {
    expect_nginx_error(request("TRACE", api_url() + "/api/echo"), 405, "method_not_allowed");
}

TEST(NginxErrors, BodyOver1MiBIs413AndOneMiBPasses) {
    FcgiStandIn api(upstream_socket(), routes);
    const std::string limit(1 << 20, 'x');
    const HttpResponse at_limit =
        request("POST", api_url() + "/api/echo", limit, "application/json");
    EXPECT_EQ(at_limit.status, 200) << at_limit.body;
    EXPECT_EQ(at_limit.json()["content_length"].asString(), std::to_string(limit.size()));
    expect_nginx_error(request("POST", api_url() + "/api/echo", limit + "x", "application/json"),
                       413, "payload_too_large");
}

TEST(NginxErrors, UriOver8kBIs414) {
    expect_nginx_error(request("GET", api_url() + "/api/" + std::string(9000, 'a')), 414,
                       "uri_too_long");
}

TEST(NginxErrors, BurstOverTheRateLimitIs429WithRetryAfter) {
    FcgiStandIn api(upstream_socket(), routes);
    // 20 r/s with a burst of 40 (nodelay): the first 41 pass at once, then one per 50 ms.
    // 80 requests take well under a second here, so some must be refused.
    int passed = 0;
    int limited = 0;
    for (int i = 0; i < 80; ++i) {
        const e2e::SourceAddress other_client(kOtherClient);
        const HttpResponse response = request("GET", api_url() + "/api/echo");
        if (response.status == 429) {
            if (limited++ == 0) {
                expect_nginx_error(response, 429, "too_many_requests");
                EXPECT_EQ(response.header("retry-after"), "1");
            }
        } else {
            EXPECT_EQ(response.status, 200) << response.body;
            ++passed;
        }
    }
    EXPECT_GE(passed, 41);
    EXPECT_GT(limited, 0);
    // Health checks and the host itself are not limited.
    for (int i = 0; i < 60; ++i) {
        {
            const e2e::SourceAddress other_client(kOtherClient);
            EXPECT_EQ(request("GET", api_url() + "/health").status, 200);
        }
        EXPECT_EQ(request("GET", api_url() + "/api/echo").status, 200);
    }
}

TEST(NginxErrors, MetricsFromElsewhereIs403) {
    FcgiStandIn api(upstream_socket(), routes);
    {
        const e2e::SourceAddress other_client(kOtherClient);
        expect_nginx_error(request("GET", api_url() + "/metrics"), 403, "forbidden");
    }
    EXPECT_EQ(request("GET", api_url() + "/metrics").status, 200);
}

TEST(NginxErrors, InternalFailureIs500) {
    FcgiStandIn api(upstream_socket(), routes);
    expect_nginx_error(request("GET", api_url() + "/api/redirect-to-nowhere"), 500,
                       "internal_error");
}

TEST(NginxErrors, StoppedApiIs502) {
    // No stand-in: the socket file does not exist, as when pms-api.socket is stopped.
    expect_nginx_error(request("GET", api_url() + "/api/echo"), 502, "bad_gateway");
    expect_nginx_error(request("GET", api_url() + "/health"), 502, "bad_gateway");
}

TEST(NginxErrors, Its503PageIsJson) {
    // With this configuration nginx has no reason of its own to answer 503 (limit_req answers
    // 429, there is no limit_conn); the page is there for an operator's `return 503`. The
    // stand-in sends nginx to it the way an internal redirect would.
    FcgiStandIn api(upstream_socket(), routes);
    expect_nginx_error(request("GET", api_url() + "/api/redirect-to-503"), 503,
                       "service_unavailable");
}

TEST(NginxErrors, ApiThatDoesNotReadIs504) {
    // pms-api accepts nothing (every child stuck): nginx's connect succeeds into the backlog, a
    // 1 MiB body fills the socket buffer, and fastcgi_send_timeout (10 s) gives up.
    SilentUpstream api(upstream_socket());
    const auto start = std::chrono::steady_clock::now();
    expect_nginx_error(
        request("POST", api_url() + "/api/echo", std::string(1 << 20, 'x'), "application/json"),
        504, "gateway_timeout");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(25));
}

TEST(NginxProxy, ApiErrorsPassThroughUntouched) {
    FcgiStandIn api(upstream_socket(), routes);
    const HttpResponse response = request("GET", api_url() + "/api/own-error");
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "{\"own\":true}");
    EXPECT_EQ(response.header("x-request-id"), "from-the-api");
    EXPECT_EQ(response.header("retry-after"), "7");
}

TEST(NginxProxy, PassesItsRequestIdAndTheClients) {
    FcgiStandIn api(upstream_socket(), routes);
    const Json::Value plain = request("GET", api_url() + "/api/echo").json();
    EXPECT_TRUE(is_request_id(plain["request_id"].asString())) << plain;
    EXPECT_EQ(plain["client_request_id"].asString(), "");
    const Json::Value with_id =
        request("GET", api_url() + "/api/echo", "", "", {{"X-Request-Id", "client-abc-123"}})
            .json();
    EXPECT_TRUE(is_request_id(with_id["request_id"].asString())) << with_id;
    EXPECT_EQ(with_id["client_request_id"].asString(), "client-abc-123");
}

TEST(NginxProxy, CompressesJsonOver1kB) {
    FcgiStandIn api(upstream_socket(), routes);
    const std::map<std::string, std::string> gzip = {{"Accept-Encoding", "gzip"}};
    const HttpResponse large = request("GET", api_url() + "/api/large", "", "", gzip);
    EXPECT_EQ(large.status, 200);
    EXPECT_EQ(large.header("content-encoding"), "gzip");
    EXPECT_EQ(large.header("vary"), "Accept-Encoding");
    EXPECT_LT(large.body.size(), 1024U);
    const HttpResponse small = request("GET", api_url() + "/api/echo", "", "", gzip);
    EXPECT_EQ(small.status, 200);
    EXPECT_EQ(small.header("content-encoding"), "");
}

/// The access log line of the request whose client sent X-Request-Id `client_id`; nginx writes
/// it after the response, so wait a little for it.
Json::Value access_log_line(const std::string& client_id) {
    const std::string path = setting("PMS_NGINX_TEST_LOG_DIR") + "/pms-access.log";
    for (int attempt = 0; attempt < 40; ++attempt) {
        std::ifstream log(path);
        std::string line;
        while (std::getline(log, line)) {
            std::string error;
            const auto entry = json::parse_strict(line, &error);
            EXPECT_TRUE(entry) << "not JSON (" << error << "): " << line;
            if (entry && (*entry)["client_request_id"].asString() == client_id) {
                return *entry;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no line for " << client_id << " in " << path;
    return Json::Value();
}

TEST(NginxProxy, AccessLogIsJsonWithUpstreamTimings) {
    FcgiStandIn api(upstream_socket(), routes);
    const std::string client_id = e2e::unique("access-log");
    const Json::Value seen =
        request("GET", api_url() + "/api/echo", "", "", {{"X-Request-Id", client_id}}).json();
    const Json::Value entry = access_log_line(client_id);
    EXPECT_EQ(entry["request_id"].asString(), seen["request_id"].asString());
    EXPECT_EQ(entry["status"].asInt(), 200);
    EXPECT_EQ(entry["method"].asString(), "GET");
    EXPECT_EQ(entry["uri"].asString(), "/api/echo");
    EXPECT_EQ(entry["upstream_status"].asString(), "200");
    EXPECT_EQ(entry["upstream_addr"].asString(), "unix:" + upstream_socket());
    for (const char* timing :
         {"upstream_connect_time", "upstream_header_time", "upstream_response_time"}) {
        EXPECT_TRUE(std::regex_match(entry[timing].asString(), std::regex("[0-9]+\\.[0-9]{3}")))
            << timing << ": " << entry;
    }
    EXPECT_TRUE(entry["request_time"].isDouble() || entry["request_time"].isIntegral()) << entry;
}

}  // namespace
}  // namespace pms::ops
