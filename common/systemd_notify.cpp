/// sd_notify over a datagram to $NOTIFY_SOCKET.
#include "common/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace pms::systemd {

void notify(std::string_view state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || (path[0] != '/' && path[0] != '@')) {
        return;
    }
    sockaddr_un address{};
    const size_t length = std::strlen(path);
    if (length >= sizeof address.sun_path) {
        return;
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path, length);
    if (address.sun_path[0] == '@') {
        address.sun_path[0] = '\0';  // an abstract socket
    }
    // A socket per message: nothing stays open in a pre-fork master.
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
    sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address),
           size);
    close(fd);
}

std::chrono::microseconds watchdog_interval() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    const char* pid = std::getenv("WATCHDOG_PID");
    if (usec == nullptr || (pid != nullptr && std::atol(pid) != static_cast<long>(getpid()))) {
        return std::chrono::microseconds(0);
    }
    return std::chrono::microseconds(std::strtoll(usec, nullptr, 10) / 2);
}

Watchdog::Watchdog(std::chrono::microseconds interval) : interval_(interval) {}

void Watchdog::ping_if_due() {
    if (interval_.count() <= 0) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) {
        return;
    }
    notify("WATCHDOG=1");
    next_ = now + interval_;
}

std::chrono::steady_clock::time_point Watchdog::due() const {
    return interval_.count() > 0 ? next_ : std::chrono::steady_clock::time_point::max();
}

std::chrono::milliseconds Watchdog::bound(std::chrono::milliseconds wait) const {
    if (interval_.count() <= 0) {
        return wait;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        next_ - std::chrono::steady_clock::now());
    return std::clamp(left, std::chrono::milliseconds(1), wait);
}

}  // namespace pms::systemd
