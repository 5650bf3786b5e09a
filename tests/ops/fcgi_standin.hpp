#pragma once
/// Test-only FastCGI upstreams for nginx on a unix socket: one that answers each request with
/// what a handler returns, and one that accepts no connection at all (a pms-api whose children
/// are all stuck). Both stay on the local file system; nothing leaves the host.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

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

}  // namespace pms::ops
