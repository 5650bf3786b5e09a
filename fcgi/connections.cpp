/// epoll over the listening socket and the kept connections.
#include "fcgi/connections.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/log.hpp"

namespace pms::api {

namespace {

using Clock = std::chrono::steady_clock;

// How often a draining child looks at the clock when nothing happens.
constexpr auto kDrainTick = std::chrono::milliseconds(200);

// The most connections one wait reports; more ready ones are reported by the next wait.
constexpr int kMaxEvents = 128;

bool is_tcp(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    return getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           (address.ss_family == AF_INET || address.ss_family == AF_INET6);
}

int new_epoll() {
    const int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
    return fd;
}

}  // namespace

Connections::Connections(int listen_fd, std::chrono::milliseconds drain_timeout)
    : listen_fd_(listen_fd),
      tcp_(is_tcp(listen_fd)),
      epoll_fd_(new_epoll()),
      drain_timeout_(drain_timeout) {
    // Exclusive: a new connection wakes one waiting child, not every child.
    epoll_event listening{};
    listening.events = EPOLLIN | EPOLLEXCLUSIVE;
    listening.data.ptr = nullptr;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listening) != 0) {
        const int error = errno;
        ::close(epoll_fd_);
        throw std::system_error(error, std::generic_category(), "epoll_ctl(listening socket)");
    }
}

Connections::~Connections() {
    ::close(epoll_fd_);
}

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
    auto connection = std::make_unique<FcgiConnection>(fd);
    // Not read yet: nginx writes the request right after connecting, and the next wait says when
    // it is there, so a read never waits on a silent peer.
    epoll_event readable{};
    readable.events = EPOLLIN;
    readable.data.ptr = connection.get();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &readable) != 0) {
        log::warn("cannot watch a new connection", {{"error", std::strerror(errno)}});
        return;  // closed with `connection`: nginx sees the close before sending anything
    }
    open_.push_back(std::move(connection));
}

void Connections::forget(FcgiConnection* connection) {
    // A connection libfcgi closed after an error (fd -1) left the epoll set with its close.
    if (connection->fd() >= 0) {
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection->fd(), nullptr);
    }
    open_.erase(std::remove_if(open_.begin(), open_.end(),
                               [&](const auto& open) { return open.get() == connection; }),
                open_.end());
}

void Connections::stop_accepting() {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    drain_deadline_ = Clock::now() + drain_timeout_;
}

std::chrono::milliseconds Connections::wait_timeout() const {
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
    epoll_event events[kMaxEvents];
    while (batch.empty()) {
        if (stopping.load() && !drain_deadline_) {
            stop_accepting();
        }
        if (drain_deadline_ && (open_.empty() || Clock::now() >= *drain_deadline_)) {
            if (!open_.empty()) {
                log::warn("closing kept connections nginx did not close in time",
                          {{"connections", static_cast<Json::UInt64>(open_.size())}});
            }
            open_.clear();
            return batch;
        }

        const int ready =
            epoll_wait(epoll_fd_, events, kMaxEvents, static_cast<int>(wait_timeout().count()));
        bool connection_waiting = false;
        for (int i = 0; i < ready; ++i) {
            auto* connection = static_cast<FcgiConnection*>(events[i].data.ptr);
            if (connection == nullptr) {
                connection_waiting = true;
            } else if (connection->read_request()) {
                batch.push_back(connection);
            } else {
                forget(connection);  // readable with nothing to read: nginx closed it
            }
        }
        if (connection_waiting) {
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
