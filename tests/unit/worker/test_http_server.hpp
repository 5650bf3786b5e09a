#pragma once
/// A one-thread HTTP/1.1 server on 127.0.0.1 (ephemeral port) answering with canned responses,
/// for tests of the fetcher and the S3 client. Loopback only; one connection at a time.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pms::worker::testing {

/// A request as received: the request line, the headers and the body.
struct Request {
    std::string method;
    std::string target;
    std::string head;  ///< request line and headers, as sent
    std::string body;
    /// The value of header `name` (case-insensitive), or "".
    std::string header(const std::string& name) const;
};

class TestHttpServer {
public:
    /// `respond` returns the whole raw response (status line, headers, body).
    using Responder = std::function<std::string(const Request&)>;

    explicit TestHttpServer(Responder respond);
    ~TestHttpServer();
    TestHttpServer(const TestHttpServer&) = delete;
    TestHttpServer& operator=(const TestHttpServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path) const;
    std::vector<Request> requests() const;

    /// A response with a body and Content-Length.
    static std::string response(int status, const std::string& body,
                                const std::string& extra_headers = "");

private:
    void serve();
    void serve_one(int client);

    Responder respond_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<Request> requests_;
    std::thread thread_;
};

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port();

}  // namespace pms::worker::testing
