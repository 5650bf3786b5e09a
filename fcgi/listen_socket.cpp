/// Opening or inheriting the listening socket.
#include "fcgi/listen_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "common/config.hpp"

namespace pms::api {

namespace {

// Above nginx's bursts; the kernel caps it at net.core.somaxconn.
constexpr int kBacklog = 1024;
constexpr int kSystemdFirstFd = 3;  // SD_LISTEN_FDS_START

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

bool from_systemd(ListenSocket& out) {
    if (!systemd_passes_socket()) {
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
    // Connecting to a unix socket needs write permission on it: owner and group only, whatever
    // the umask, so that no other local user sends requests past nginx. nginx's workers (www-data)
    // connect through the group, as with pms-api.socket's SocketGroup=www-data: run pms-api with
    // that group, or make the socket's directory setgid to it. Set before listen(): until then a
    // connect is refused, so none gets in while the mode is still the umask's.
    if (chmod(path.c_str(), 0660) != 0) {
        fail("chmod " + path);
    }
    if (listen(fd, kBacklog) != 0) {
        fail("listen " + path);
    }
    return ListenSocket{fd, "unix:" + path, path};
}

using Resolved = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

/// "host:port" ("[v6]:port"; an empty host is every address) as getaddrinfo() resolves it for
/// listening; the first result is the one to bind.
Resolved resolve(const std::string& host_port) {
    const size_t colon = host_port.rfind(':');
    // getaddrinfo() takes an empty port for 0: a port nginx could not know.
    if (colon == std::string::npos || colon + 1 == host_port.size()) {
        throw ConfigError("PMS_API_LISTEN must be unix:/path or host:port, got '" + host_port +
                          "'");
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
        throw ConfigError("PMS_API_LISTEN: cannot resolve " + host_port + ": " + gai_strerror(rc));
    }
    return Resolved(found, freeaddrinfo);
}

ListenSocket open_tcp(const std::string& host_port) {
    const Resolved resolved = resolve(host_port);
    const addrinfo* found = resolved.get();
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

bool systemd_passes_socket() {
    const char* pid = std::getenv("LISTEN_PID");
    const char* fds = std::getenv("LISTEN_FDS");
    return pid != nullptr && fds != nullptr && std::atol(pid) == static_cast<long>(getpid()) &&
           std::atoi(fds) >= 1;
}

bool is_loopback(const sockaddr& address) {
    if (address.sa_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        return (ntohl(v4.sin_addr.s_addr) >> 24U) == 127U;
    }
    if (address.sa_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        // Bound to ::ffff:127.x.y.z, a socket takes IPv4 connections to 127.x.y.z only.
        return IN6_IS_ADDR_LOOPBACK(&v6.sin6_addr) ||
               (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr) && v6.sin6_addr.s6_addr[12] == 127U);
    }
    return false;
}

std::string checked_listen_address(const std::string& address, bool allow_public) {
    if (address.rfind("unix:", 0) == 0) {
        return address;
    }
    const Resolved resolved = resolve(address);
    const addrinfo& first = *resolved;
    char host[NI_MAXHOST];
    char port[NI_MAXSERV];
    if (const int rc = getnameinfo(first.ai_addr, first.ai_addrlen, host, sizeof host, port,
                                   sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
        rc != 0) {
        throw ConfigError("PMS_API_LISTEN: cannot use " + address + ": " + gai_strerror(rc));
    }
    std::string numeric = first.ai_family == AF_INET6 ? "[" + std::string(host) + "]:" + port
                                                      : std::string(host) + ":" + port;
    // Whoever reaches pms-api's FastCGI socket speaks for nginx: it sets every parameter
    // (REMOTE_ADDR, REQUEST_ID, ...) and bypasses nginx's limits and its /metrics rule.
    if (!allow_public && !is_loopback(*first.ai_addr)) {
        throw ConfigError("PMS_API_LISTEN=" + address + " listens on " + numeric +
                          ", which other hosts can reach: use a loopback address (127.0.0.1, "
                          "[::1]) or unix:/path, or set PMS_API_LISTEN_PUBLIC=1 when nginx "
                          "connects from another host over a network only it can reach");
    }
    return numeric;
}

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
