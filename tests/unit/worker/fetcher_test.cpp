/// The fetcher on loopback only: refused addresses and schemes (never connected to), status and
/// size handling against a canned server on 127.0.0.1 that the allow list exempts.
#include "worker/pipeline/fetcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "client_vocabulary.hpp"
#include "test_http_server.hpp"
#include "worker/pipeline/curl.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {
namespace {

using testing::TestHttpServer;

/// The failure fetch() throws, or a failed test. Whatever the failure, what the client reads is
/// one of the fixed texts.
Failure fetch_failure(HttpFetcher& fetcher, const std::string& url) {
    try {
        fetcher.fetch(url);
    } catch (const Failure& failure) {
        EXPECT_TRUE(vocabulary::IsClientText(failure.client_message().text())) << failure.detail();
        return failure;
    }
    ADD_FAILURE() << "fetch of " << url << " did not fail";
    return transient_failure(ClientMessage::internal_error(), "did not fail");
}

class FetcherTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { static curl::Global global; }

    static FetchLimits limits(size_t max_bytes = 1000) {
        FetchLimits l;
        l.timeout = std::chrono::seconds(5);
        l.connect_timeout = std::chrono::seconds(2);
        l.max_bytes = max_bytes;
        return l;
    }
    HttpFetcher no_allow_{AddressFilter(), limits(), "test"};
    HttpFetcher allow_local_{AddressFilter::from_list({"127.0.0.1"}), limits(), "test"};
};

TEST(FetcherScheme, OnlyHttpAndHttps) {
    EXPECT_TRUE(has_http_scheme("http://example.com/a.jpg"));
    EXPECT_TRUE(has_http_scheme("HTTPS://example.com/a.jpg"));
    EXPECT_FALSE(has_http_scheme("ftp://example.com/a.jpg"));
    EXPECT_FALSE(has_http_scheme("file:///etc/passwd"));
    EXPECT_FALSE(has_http_scheme("gopher://127.0.0.1/"));
    EXPECT_FALSE(has_http_scheme("http://"));
    EXPECT_FALSE(has_http_scheme(""));
}

TEST_F(FetcherTest, RefusesOtherSchemesPermanently) {
    const Failure failure = fetch_failure(no_allow_, "file:///etc/passwd");
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(),
              "unsupported URL scheme: only http and https are fetched");
}

TEST_F(FetcherTest, RefusesLoopbackAddressesWithoutConnecting) {
    const Failure a = fetch_failure(no_allow_, "http://127.0.0.2:9/a.jpg");
    EXPECT_TRUE(a.permanent());
    EXPECT_EQ(a.client_message().text(), "address not allowed");
    EXPECT_STREQ(a.detail(), "refused address 127.0.0.2 (loopback)");

    const Failure b = fetch_failure(no_allow_, "http://[::1]:9/a.jpg");
    EXPECT_TRUE(b.permanent());
    EXPECT_EQ(b.client_message().text(), "address not allowed");
    EXPECT_STREQ(b.detail(), "refused address ::1 (loopback)");

    // Numeric forms resolve to the same address, which is what is checked.
    const Failure c = fetch_failure(no_allow_, "http://2130706433:9/a.jpg");
    EXPECT_TRUE(c.permanent());
    EXPECT_STREQ(c.detail(), "refused address 127.0.0.1 (loopback)");

    const Failure d = fetch_failure(no_allow_, "http://localhost:9/a.jpg");
    EXPECT_TRUE(d.permanent());
    EXPECT_NE(std::string(d.detail()).find("refused address"), std::string::npos) << d.detail();
    EXPECT_EQ(d.client_message().text(), "address not allowed");
}

TEST_F(FetcherTest, AllowListExemptsOnlyTheListedAddress) {
    const Failure failure = fetch_failure(allow_local_, "http://127.0.0.2:9/a.jpg");
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "address not allowed");
    EXPECT_STREQ(failure.detail(), "refused address 127.0.0.2 (loopback)");
}

TEST_F(FetcherTest, DownloadsFromAnAllowedAddress) {
    TestHttpServer server(
        [](const testing::Request&) { return TestHttpServer::response(200, "image bytes"); });
    EXPECT_EQ(allow_local_.fetch(server.url("/a.jpg")), "image bytes");
    ASSERT_EQ(server.requests().size(), 1U);
    EXPECT_EQ(server.requests()[0].target, "/a.jpg");
}

TEST_F(FetcherTest, ClientErrorsArePermanentWithTheirStatus) {
    TestHttpServer server(
        [](const testing::Request&) { return TestHttpServer::response(404, "not here"); });
    const Failure failure = fetch_failure(allow_local_, server.url("/missing.jpg"));
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "download failed: HTTP 404");
}

TEST_F(FetcherTest, ServerErrorsAreTransient) {
    TestHttpServer server(
        [](const testing::Request&) { return TestHttpServer::response(503, "busy"); });
    const Failure failure = fetch_failure(allow_local_, server.url("/a.jpg"));
    EXPECT_FALSE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "download failed: HTTP 503");
}

TEST_F(FetcherTest, RefusedConnectionIsTransient) {
    const std::string port = std::to_string(testing::closed_port());
    const Failure failure = fetch_failure(allow_local_, "http://127.0.0.1:" + port + "/a.jpg");
    EXPECT_FALSE(failure.permanent()) << failure.what();
    // libcurl's "Failed to connect to 127.0.0.1 port N ...": the log's, not the client's.
    EXPECT_EQ(failure.client_message().text(), "download failed: cannot connect");
    EXPECT_NE(std::string(failure.detail()).find("127.0.0.1"), std::string::npos)
        << failure.detail();
    EXPECT_NE(std::string(failure.detail()).find(port), std::string::npos) << failure.detail();
}

TEST_F(FetcherTest, TheClientsPasswordInTheUrlStaysOutOfTheDetail) {
    const Failure failure = fetch_failure(
        allow_local_,
        "http://user:hunter2@127.0.0.1:" + std::to_string(testing::closed_port()) + "/a.jpg");
    EXPECT_EQ(std::string(failure.detail()).find("hunter2"), std::string::npos) << failure.detail();
}

TEST_F(FetcherTest, RedirectToARefusedAddressIsRefused) {
    TestHttpServer server([](const testing::Request&) {
        return TestHttpServer::response(302, "", "Location: http://127.0.0.2:9/secret\r\n");
    });
    const Failure failure = fetch_failure(allow_local_, server.url("/a.jpg"));
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "address not allowed");
    EXPECT_STREQ(failure.detail(), "refused address 127.0.0.2 (loopback)");
}

TEST_F(FetcherTest, FollowsAtMostFiveRedirects) {
    std::atomic<int> hops{0};
    TestHttpServer server([&](const testing::Request& request) {
        ++hops;
        return TestHttpServer::response(302, "", "Location: " + request.target + "x\r\n");
    });
    const Failure failure = fetch_failure(allow_local_, server.url("/a"));
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(hops.load(), 6);  // the request and five redirects
    EXPECT_EQ(failure.client_message().text(), "download failed: too many redirects");
    EXPECT_STREQ(failure.detail(), "download failed: Maximum (5) redirects followed");
}

TEST_F(FetcherTest, DeclaredLengthOverTheLimitIsRefusedUpFront) {
    TestHttpServer server([](const testing::Request&) {
        return TestHttpServer::response(200, std::string(5000, 'x'));
    });
    const Failure failure = fetch_failure(allow_local_, server.url("/big.jpg"));
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "download too large: more than 1000 bytes");
}

TEST_F(FetcherTest, UndeclaredLengthIsCappedWhileStreaming) {
    TestHttpServer server([](const testing::Request&) {
        // No Content-Length: the body ends when the connection closes.
        return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(5000, 'x');
    });
    const Failure failure = fetch_failure(allow_local_, server.url("/big.jpg"));
    EXPECT_TRUE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "download too large: more than 1000 bytes");
}

TEST_F(FetcherTest, ASlowOriginTimesOutTransiently) {
    TestHttpServer server([](const testing::Request&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        return TestHttpServer::response(200, "late");
    });
    FetchLimits quick = limits();
    quick.timeout = std::chrono::seconds(1);
    HttpFetcher fetcher(AddressFilter::from_list({"127.0.0.1"}), quick, "test");
    const Failure failure = fetch_failure(fetcher, server.url("/slow.jpg"));
    EXPECT_FALSE(failure.permanent());
    EXPECT_EQ(failure.client_message().text(), "download failed: timed out");
    EXPECT_NE(std::string(failure.detail()).find("timed out"), std::string::npos)
        << failure.detail();
}

TEST_F(FetcherTest, ExactlyTheLimitIsAccepted) {
    TestHttpServer server([](const testing::Request&) {
        return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(1000, 'x');
    });
    EXPECT_EQ(allow_local_.fetch(server.url("/a.jpg")).size(), 1000U);
}

}  // namespace
}  // namespace pms::worker
