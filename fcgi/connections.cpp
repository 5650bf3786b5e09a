/// poll() over the listening socket and the kept connections.
#include "fcgi/connections.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.hpp"

namespace pms::api {

namespace {

using Clock = std::chrono::steady_clock;

// How often a draining child looks at the clock when nothing happens.
constexpr auto kDrainTick = std::chrono::milliseconds(200);

bool is_tcp(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    return getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           (address.ss_family == AF_INET || address.ss_family == AF_INET6);
}

}  // namespace

Connections::Connections(int listen_fd, std::chrono::milliseconds drain_timeout)
    : listen_fd_(listen_fd), tcp_(is_tcp(listen_fd)), drain_timeout_(drain_timeout) {}

void Connections::accept_one() {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            log::warn("accept failed", {{"error", std::strerror(errno)}});
        }
        return;  // usually another child was quicker
    }
    if (tcp_) {
        const int on = 1;  // responses are written whole: no reason to wait for more
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    // Not ready yet: nginx writes the request right after connecting, and the next poll says
    // when it is there, so a read never waits on a silent peer.
    open_.push_back(std::make_unique<FcgiConnection>(listen_fd_, fd));
}

void Connections::forget(FcgiConnection* connection) {
    open_.erase(std::remove_if(open_.begin(), open_.end(),
                               [&](const auto& open) { return open.get() == connection; }),
                open_.end());
}

std::chrono::milliseconds Connections::poll_timeout() const {
    if (!drain_deadline_) {
        return std::chrono::milliseconds(-1);  // until a connection or a signal
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*drain_deadline_ - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), kDrainTick);
}

// Stopping: no new connection is accepted, and a kept one is served until nginx closes it,
// which it does after fastcgi's keepalive_requests or keepalive_timeout (nginx/pms.conf.in).
// Closing a kept connection from this side could race with a request nginx is just sending on
// it, and nginx does not retry a POST; only past the deadline does the child close what is left.
std::vector<FcgiConnection*> Connections::next_batch(const std::atomic<bool>& stopping) {
    std::vector<FcgiConnection*> batch;
    std::vector<pollfd> fds;
    while (batch.empty()) {
        if (stopping.load() && !drain_deadline_) {
            drain_deadline_ = Clock::now() + drain_timeout_;
        }
        if (drain_deadline_ && (open_.empty() || Clock::now() >= *drain_deadline_)) {
            if (!open_.empty()) {
                log::warn("closing kept connections nginx did not close in time",
                          {{"connections", static_cast<Json::UInt64>(open_.size())}});
            }
            open_.clear();
            return batch;
        }

        fds.clear();
        const bool accepting = !drain_deadline_;
        if (accepting) {
            fds.push_back(pollfd{listen_fd_, POLLIN, 0});
        }
        for (const auto& connection : open_) {
            fds.push_back(pollfd{connection->fd(), POLLIN | POLLRDHUP, 0});
        }
        if (::poll(fds.data(), fds.size(), static_cast<int>(poll_timeout().count())) <= 0) {
            continue;  // a signal, or the drain tick
        }
        const size_t first = accepting ? 1 : 0;
        std::vector<FcgiConnection*> gone;
        for (size_t i = first; i < fds.size(); ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            FcgiConnection* connection = open_[i - first].get();
            // A hang-up may still have a request before it. Without one, libfcgi's read would go
            // on to accept a new connection itself, behind this class's back.
            const bool hung_up = (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
            const bool read =
                !(hung_up && connection->closed_by_peer()) && connection->read_request();
            (read ? batch : gone).push_back(connection);
        }
        for (FcgiConnection* connection : gone) {
            forget(connection);
        }
        if (accepting && (fds[0].revents & POLLIN) != 0) {
            accept_one();
        }
    }
    return batch;
}

void Connections::done(FcgiConnection& connection) {
    if (!connection.finish()) {
        forget(&connection);
    }
}

}  // namespace pms::api
