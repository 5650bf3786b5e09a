/// Opening or inheriting the listening socket.
#include "fcgi/listen_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace pms::api {

namespace {

// Above nginx's bursts; the kernel caps it at net.core.somaxconn.
constexpr int kBacklog = 1024;
constexpr int kSystemdFirstFd = 3;  // SD_LISTEN_FDS_START

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

bool from_systemd(ListenSocket& out) {
    const char* pid = std::getenv("LISTEN_PID");
    const char* fds = std::getenv("LISTEN_FDS");
    if (pid == nullptr || fds == nullptr || std::atol(pid) != static_cast<long>(getpid()) ||
        std::atoi(fds) < 1) {
        return false;
    }
    // Not for the children or anything they might run.
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    out.fd = kSystemdFirstFd;
    out.description = "systemd socket activation";
    // Every child waits on it and one wins each connection; the others must not block in
    // accept().
    fcntl(out.fd, F_SETFL, fcntl(out.fd, F_GETFL) | O_NONBLOCK);
    return true;
}

ListenSocket open_unix(const std::string& path) {
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path) {
        throw std::runtime_error("unix socket path too long: " + path);
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        fail("socket");
    }
    // A socket file left by a previous run would make bind() fail; anything else stays.
    struct stat status {};
    if (lstat(path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode)) {
        unlink(path.c_str());
    }
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        fail("bind " + path);
    }
    // nginx's workers run as another user; access is controlled by the socket's directory.
    if (chmod(path.c_str(), 0666) != 0) {
        fail("chmod " + path);
    }
    if (listen(fd, kBacklog) != 0) {
        fail("listen " + path);
    }
    return ListenSocket{fd, "unix:" + path, path};
}

ListenSocket open_tcp(const std::string& host_port) {
    const size_t colon = host_port.rfind(':');
    if (colon == std::string::npos) {
        throw std::runtime_error("PMS_API_LISTEN must be unix:/path or host:port, got '" +
                                 host_port + "'");
    }
    std::string host = host_port.substr(0, colon);
    const std::string port = host_port.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (const int rc =
            getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
        rc != 0) {
        throw std::runtime_error("cannot resolve " + host_port + ": " + gai_strerror(rc));
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, freeaddrinfo);
    const int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                          found->ai_protocol);
    if (fd < 0) {
        fail("socket");
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
        fail("bind " + host_port);
    }
    if (listen(fd, kBacklog) != 0) {
        fail("listen " + host_port);
    }
    return ListenSocket{fd, host_port, ""};
}

}  // namespace

ListenSocket open_listen_socket(const std::string& address) {
    ListenSocket socket;
    if (from_systemd(socket)) {
        return socket;
    }
    if (address.rfind("unix:", 0) == 0) {
        return open_unix(address.substr(5));
    }
    return open_tcp(address);
}

}  // namespace pms::api
