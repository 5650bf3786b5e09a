/// The FastCGI stand-ins: libfcgi through pms-api's own wrapper and socket code.
#include "tests/ops/fcgi_standin.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/connections.hpp"
#include "fcgi/listen_socket.hpp"

namespace pms::ops {

namespace {

int listen_on(const std::string& socket_path) {
    return api::open_listen_socket("unix:" + socket_path).fd;
}

void close_and_remove(int fd, const std::string& socket_path) {
    close(fd);
    unlink(socket_path.c_str());
}

}  // namespace

FcgiStandIn::FcgiStandIn(const std::string& socket_path, Handler handler)
    : socket_path_(socket_path), handler_(std::move(handler)), listen_fd_(listen_on(socket_path)) {
    api::FcgiConnection::init_library();
    thread_ = std::thread([this] { serve(); });
}

FcgiStandIn::~FcgiStandIn() {
    // The flag ends serve(); shutting the listening socket down wakes its wait.
    stopping_.store(true);
    shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    close_and_remove(listen_fd_, socket_path_);
}

void FcgiStandIn::serve() {
    // A test stand-in stops at once: no waiting for nginx to close kept connections.
    api::Connections connections(listen_fd_, std::chrono::milliseconds(0));
    for (auto batch = connections.next_batch(stopping_); !batch.empty();
         batch = connections.next_batch(stopping_)) {
        for (api::FcgiConnection* request : batch) {
            const ParamLookup param = [request](const char* name) {
                const char* value = request->param(name);
                return std::string(value == nullptr ? "" : value);
            };
            request->write(handler_(param));
            connections.done(*request);
        }
    }
}

SilentUpstream::SilentUpstream(const std::string& socket_path)
    : socket_path_(socket_path), listen_fd_(listen_on(socket_path)) {}

SilentUpstream::~SilentUpstream() {
    close_and_remove(listen_fd_, socket_path_);
}

HoldingUpstream::HoldingUpstream(const std::string& socket_path)
    : socket_path_(socket_path), listen_fd_(listen_on(socket_path)) {
    thread_ = std::thread([this] { accept_all(); });
}

HoldingUpstream::~HoldingUpstream() {
    stopping_.store(true);
    thread_.join();
    for (const int fd : connections_) {
        close(fd);
    }
    close_and_remove(listen_fd_, socket_path_);
}

bool HoldingUpstream::wait_for(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return connections_.size() >= count; });
}

void HoldingUpstream::accept_all() {
    // Polls with a short timeout so that the destructor's flag ends the loop soon.
    pollfd ready{listen_fd_, POLLIN, 0};
    while (!stopping_.load()) {
        if (poll(&ready, 1, 20) <= 0) {
            continue;
        }
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            const std::lock_guard<std::mutex> lock(mutex_);
            connections_.push_back(fd);
            arrived_.notify_all();
        }
    }
}

}  // namespace pms::ops
