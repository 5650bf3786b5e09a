/// nginx with the shipped configuration (nginx/pms.conf.in, rendered by scripts/test for its own
/// paths and port) in front of a FastCGI stand-in for pms-api: every error nginx answers itself
/// has the JSON error shape, what it passes to and from pms-api follows the contract, and its
/// limits count per client, also behind a proxy on the host (X-Forwarded-For from 127.0.0.1).
/// All traffic stays on 127.0.0.0/8: the addresses 203.0.113.x (TEST-NET-3) appear only as
/// header values, as a proxy would name its clients.
///
/// Environment (scripts/test sets it): PMS_API_URL, the test nginx; PMS_NGINX_TEST_UPSTREAM, the
/// unix socket its upstream points at (nothing listens there unless a test starts a stand-in);
/// PMS_NGINX_TEST_LOG_DIR, its log folder.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <regex>
#include <thread>
#include <vector>

#include "common/json.hpp"
#include "tests/e2e/error_shape.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "tests/ops/fcgi_standin.hpp"
#include "worker/pipeline/curl.hpp"

namespace pms::ops {
namespace {

using e2e::api_url;
using e2e::expect_error;
using e2e::HttpResponse;
using e2e::request;

/// A client address other than 127.0.0.1, which the configuration exempts from rate limiting and
/// allows /metrics. The rate limit's buckets outlive a test: each test that fills one has
/// addresses of its own.
constexpr const char* kOtherClient = "127.0.0.2";

using Headers = std::map<std::string, std::string>;

/// Before any test and thread: libcurl's global state, and a token secret. The shared HTTP client
/// signs a bearer token for every request to PMS_API_URL; the stand-in never checks it, so any
/// secret does when scripts/test's ops step (which starts no stack) sets none.
class OpsEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        static curl::Global curl;
        setenv("PMS_JWT_SECRET", "nginx-tests-token-secret-unchecked-by-the-stand-in", 0);
    }
};
const ::testing::Environment* const kOpsEnvironment =
    ::testing::AddGlobalTestEnvironment(new OpsEnvironment);

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
        seen["remote_addr"] = param("REMOTE_ADDR");
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
    // With this configuration nginx has no reason of its own to answer 503 (limit_req and
    // limit_conn answer 429); the page is there for an operator's `return 503`. The
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
    EXPECT_EQ(entry["remote_addr"].asString(), "127.0.0.1");
    EXPECT_EQ(entry["peer_addr"].asString(), "127.0.0.1");
    EXPECT_EQ(entry["uri"].asString(), "/api/echo");
    EXPECT_EQ(entry["upstream_status"].asString(), "200");
    EXPECT_EQ(entry["upstream_addr"].asString(), "unix:" + upstream_socket());
    for (const char* timing :
         {"upstream_connect_time", "upstream_header_time", "upstream_response_time"}) {
        EXPECT_TRUE(std::regex_match(entry[timing].asString(), std::regex("[0-9]+\\.[0-9]{3}")))
            << timing << ": " << entry;
    }
    EXPECT_TRUE(entry["request_time"].isDouble() || entry["request_time"].isIntegral()) << entry;

    // Through a proxy on the host: the client it named, and the proxy's own address.
    const std::string forwarded_id = e2e::unique("access-log-forwarded");
    request("GET", api_url() + "/api/echo", "", "",
            {{"X-Request-Id", forwarded_id}, {"X-Forwarded-For", "203.0.113.70"}});
    const Json::Value forwarded = access_log_line(forwarded_id);
    EXPECT_EQ(forwarded["remote_addr"].asString(), "203.0.113.70");
    EXPECT_EQ(forwarded["peer_addr"].asString(), "127.0.0.1");
}

void expect_nosniff(const HttpResponse& response, const std::string& what) {
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff")
        << what << " (status " << response.status << ")";
}

TEST(NginxHeaders, NosniffOnEveryAnswer) {
    // nginx's own errors, with pms-api stopped (502), outside the API (404), malformed (400).
    expect_nosniff(request("GET", api_url() + "/api/echo"), "502 page");
    expect_nosniff(request("GET", api_url() + "/nothing"), "404 page");
    expect_nosniff(request("GET", api_url() + "/health", "", "", {{"Host", ""}}), "400 page");
    FcgiStandIn api(upstream_socket(), routes);
    const HttpResponse ok = request("GET", api_url() + "/api/echo");
    EXPECT_EQ(ok.status, 200);
    expect_nosniff(ok, "pms-api's 200");
    expect_nosniff(request("GET", api_url() + "/api/own-error"), "pms-api's own error");
    expect_nosniff(request("GET", api_url() + "/api/redirect-to-nowhere"), "500 page");
    const e2e::SourceAddress other_client(kOtherClient);
    expect_nosniff(request("GET", api_url() + "/metrics"), "403 page");
}

// The contract and its reference page are nginx's own static files, with pms-api stopped.
TEST(NginxStatic, ServesTheContractAndTheReferencePage) {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"/api/v1/openapi.yaml", "application/yaml"},
        {"/docs", "text/html"},
        {"/docs/redoc.standalone.js", "application/javascript"},
    };
    for (const auto& [path, type] : files) {
        const HttpResponse response = request("GET", api_url() + path);
        EXPECT_EQ(response.status, 200) << path;
        EXPECT_EQ(response.header("content-type"), type) << path;
        EXPECT_FALSE(response.body.empty()) << path;
        expect_nosniff(response, path);
    }
    EXPECT_NE(request("GET", api_url() + "/docs").body.find("/api/v1/openapi.yaml"),
              std::string::npos);
    expect_nginx_error(request("POST", api_url() + "/docs", "{}", "application/json"), 405,
                       "method_not_allowed");
}

/// What pms-api is told the client's address is (REMOTE_ADDR).
std::string client_seen(const Headers& headers = {}) {
    const HttpResponse response = request("GET", api_url() + "/api/echo", "", "", headers);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.status == 200 ? response.json()["remote_addr"].asString() : "";
}

TEST(NginxClientAddress, ProxyOnTheHostNamesTheClient) {
    FcgiStandIn api(upstream_socket(), routes);
    EXPECT_EQ(client_seen(), "127.0.0.1");
    EXPECT_EQ(client_seen({{"X-Forwarded-For", "203.0.113.7"}}), "203.0.113.7");
    // A proxy adds the address it saw after whatever the client sent: the rightmost counts.
    EXPECT_EQ(client_seen({{"X-Forwarded-For", "198.51.100.1, 203.0.113.7"}}), "203.0.113.7");
    // Another proxy on the host in between is skipped.
    EXPECT_EQ(client_seen({{"X-Forwarded-For", "203.0.113.7, 127.0.0.1"}}), "203.0.113.7");
}

TEST(NginxClientAddress, OtherClientsCannotNameOne) {
    FcgiStandIn api(upstream_socket(), routes);
    const e2e::SourceAddress untrusted("127.0.0.3");
    EXPECT_EQ(client_seen({{"X-Forwarded-For", "203.0.113.7"}}), "127.0.0.3");
    EXPECT_EQ(client_seen({{"X-Forwarded-For", "127.0.0.1"}}), "127.0.0.3");
}

struct Tally {
    int passed = 0;
    int limited = 0;
};

/// Sends `count` requests to /api/echo as fast as it can, the i-th with headers_of(i). A 429 must
/// be nginx's (with Retry-After and nosniff), anything else a 200.
Tally burst(int count, const std::function<Headers(int)>& headers_of) {
    Tally tally;
    for (int i = 0; i < count; ++i) {
        const HttpResponse response =
            request("GET", api_url() + "/api/echo", "", "", headers_of(i));
        if (response.status == 429) {
            if (tally.limited++ == 0) {
                expect_nginx_error(response, 429, "too_many_requests");
                EXPECT_EQ(response.header("retry-after"), "1");
                expect_nosniff(response, "429 page");
            }
        } else {
            EXPECT_EQ(response.status, 200) << response.body;
            ++tally.passed;
        }
    }
    return tally;
}

Headers forwarded_for(const std::string& client) {
    return {{"X-Forwarded-For", client}};
}

// 20 r/s with a burst of 40 (nodelay): the first 41 requests of a client pass at once, then one
// per 50 ms. 80 requests take well under a second here, so some must be refused.

TEST(NginxRateLimit, ForwardedClientsHaveBucketsOfTheirOwn) {
    FcgiStandIn api(upstream_socket(), routes);
    // From 127.0.0.1, which is not limited itself: the proxy on the host.
    const Tally first = burst(80, [](int) { return forwarded_for("203.0.113.10"); });
    EXPECT_GE(first.passed, 41);
    EXPECT_GT(first.limited, 0);
    // Right after, another client of the proxy has its whole burst.
    const Tally second = burst(41, [](int) { return forwarded_for("203.0.113.11"); });
    EXPECT_EQ(second.passed, 41);
    // And the host itself is still not limited.
    EXPECT_EQ(burst(60, [](int) { return Headers(); }).limited, 0);
}

TEST(NginxRateLimit, OtherClientsCannotChooseTheirBucket) {
    FcgiStandIn api(upstream_socket(), routes);
    // Were X-Forwarded-For believed from this address, every request would have a bucket of its
    // own, or the host's exemption.
    const e2e::SourceAddress untrusted("127.0.0.4");
    const Tally tally = burst(80, [](int i) {
        return forwarded_for(i % 2 == 0 ? "127.0.0.1" : "203.0.113." + std::to_string(100 + i));
    });
    EXPECT_GE(tally.passed, 41);
    EXPECT_GT(tally.limited, 0);
}

TEST(NginxRateLimit, ForwardedRequestsAreLimitedEvenWhenTheyNameTheHost) {
    // A proxy on the host that passes a client's X-Forwarded-For along without adding to it: the
    // client names 127.0.0.1, but does not get the host's exemption.
    FcgiStandIn api(upstream_socket(), routes);
    const Tally tally = burst(80, [](int) { return forwarded_for("127.0.0.1"); });
    EXPECT_GE(tally.passed, 41);
    EXPECT_GT(tally.limited, 0);
}

TEST(NginxErrors, MetricsWhenForwardedIs403) {
    // A client of a proxy on the host connects from 127.0.0.1 as a local scraper does; the
    // forwarding header tells them apart, whatever address it names.
    FcgiStandIn api(upstream_socket(), routes);
    for (const Headers& headers : std::vector<Headers>{
             forwarded_for("203.0.113.7"),
             forwarded_for("127.0.0.1"),
             forwarded_for("::1"),
             {{"Forwarded", "for=127.0.0.1"}},
             {{"X-Real-IP", "127.0.0.1"}},
         }) {
        const HttpResponse response = request("GET", api_url() + "/metrics", "", "", headers);
        expect_nginx_error(response, 403, "forbidden");
        expect_nosniff(response, "403 page");
    }
    EXPECT_EQ(request("GET", api_url() + "/metrics").status, 200);
}

TEST(NginxConnLimit, PastTwentyInProgressIs429) {
    constexpr size_t kLimit = 20;
    const auto send = [](const std::string& client) {
        return std::async(std::launch::async, [client] {
            return request("GET", api_url() + "/api/echo", "", "", forwarded_for(client));
        });
    };
    // Declared before the upstream, so that it goes first (ending these requests) when the test
    // returns early.
    std::vector<std::future<HttpResponse>> held;
    auto api = std::make_unique<HoldingUpstream>(upstream_socket());
    for (size_t i = 0; i < kLimit; ++i) {
        held.push_back(send("203.0.113.20"));
    }
    held.push_back(send("203.0.113.21"));
    // Each request nginx passed has its own connection to the upstream: all of them in progress.
    ASSERT_TRUE(api->wait_for(held.size(), std::chrono::seconds(10)))
        << "nginx did not pass " << held.size() << " requests to the upstream";

    const HttpResponse refused =
        request("GET", api_url() + "/api/echo", "", "", forwarded_for("203.0.113.20"));
    expect_nginx_error(refused, 429, "too_many_requests");
    EXPECT_EQ(refused.header("retry-after"), "1");
    expect_nosniff(refused, "429 page");

    // The held requests were all passed, none refused: closing their upstream connections makes
    // them nginx's 502.
    api.reset();
    for (auto& response : held) {
        expect_nginx_error(response.get(), 502, "bad_gateway");
    }
}

}  // namespace
}  // namespace pms::ops
