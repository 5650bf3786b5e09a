#pragma once
/// Test-only FastCGI upstreams for nginx on a unix socket: one that answers each request with
/// what a handler returns, one that accepts no connection at all (a pms-api whose children are
/// all stuck), and one that accepts and never answers (requests that stay in progress). All stay
/// on the local file system; nothing leaves the host.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pms::ops {

/// What the stand-in sees of a request: the FastCGI parameters nginx sent.
using ParamLookup = std::function<std::string(const char* name)>;
/// Returns the CGI response: header lines, an empty line, the body ("Status: 200\r\n...").
using Handler = std::function<std::string(const ParamLookup& param)>;

/// Answers every request on `socket_path` with `handler`, in a thread of its own, until destroyed.
class FcgiStandIn {
public:
    FcgiStandIn(const std::string& socket_path, Handler handler);
    ~FcgiStandIn();
    FcgiStandIn(const FcgiStandIn&) = delete;
    FcgiStandIn& operator=(const FcgiStandIn&) = delete;

private:
    void serve();

    std::string socket_path_;
    Handler handler_;
    int listen_fd_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// Listens on `socket_path` and never accepts: connections wait in the backlog, and whatever
/// nginx writes fills the socket buffer until its send timeout.
class SilentUpstream {
public:
    explicit SilentUpstream(const std::string& socket_path);
    ~SilentUpstream();
    SilentUpstream(const SilentUpstream&) = delete;
    SilentUpstream& operator=(const SilentUpstream&) = delete;

private:
    std::string socket_path_;
    int listen_fd_;
};

/// Accepts every connection on `socket_path` and never answers: each request nginx passes stays
/// in progress, and the number of connections tells how many it passed. Destroying it closes
/// them, and nginx answers those requests 502.
class HoldingUpstream {
public:
    explicit HoldingUpstream(const std::string& socket_path);
    ~HoldingUpstream();
    HoldingUpstream(const HoldingUpstream&) = delete;
    HoldingUpstream& operator=(const HoldingUpstream&) = delete;

    /// Waits until `count` connections have arrived; false when `timeout` passes first.
    bool wait_for(size_t count, std::chrono::milliseconds timeout);

private:
    void accept_all();

    std::string socket_path_;
    int listen_fd_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<int> connections_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace pms::ops
