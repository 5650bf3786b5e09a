#pragma once
/// The FastCGI connections of one child, waited on together with epoll: new ones from the
/// listening socket and those nginx keeps open between requests (fastcgi_keep_conn), so that a
/// few children serve any number of kept connections, taking the requests that arrived together
/// as one batch.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "fcgi/fcgx.hpp"

namespace pms::api {

class Connections {
public:
    /// `listen_fd` is non-blocking: every child waits on it, and one of them wins each
    /// connection. A stopping child waits up to `drain_timeout` for the web server to close its
    /// kept connections.
    explicit Connections(int listen_fd,
                         std::chrono::milliseconds drain_timeout = std::chrono::seconds(10));
    ~Connections();
    Connections(const Connections&) = delete;
    Connections& operator=(const Connections&) = delete;

    /// The connections whose request arrived since the last call, each with its request read
    /// (waits for at least one); empty once `stopping` is set and every kept connection is gone
    /// (see next_batch() in connections.cpp for how they go). Serving a batch together lets the
    /// child share work between its requests, like one Redis round trip for all cached GETs.
    std::vector<FcgiConnection*> next_batch(const std::atomic<bool>& stopping);
    /// After the response: the connection waits for its next request, or is forgotten.
    void done(FcgiConnection& connection);

private:
    void accept_one();
    void forget(FcgiConnection* connection);
    void stop_accepting();
    std::chrono::milliseconds wait_timeout() const;

    int listen_fd_;
    bool tcp_;      ///< connections of a TCP listening socket get TCP_NODELAY
    int epoll_fd_;  ///< the listening socket (no data) and every open connection (its object)
    std::vector<std::unique_ptr<FcgiConnection>> open_;
    std::chrono::milliseconds drain_timeout_;
    std::optional<std::chrono::steady_clock::time_point> drain_deadline_;
};

}  // namespace pms::api
