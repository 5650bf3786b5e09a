#pragma once
/// The FastCGI listening socket: handed over by systemd socket activation, or opened here.

#include <sys/socket.h>

#include <string>

namespace pms::api {

struct ListenSocket {
    int fd = -1;
    std::string description;  ///< for the log: "systemd", "unix:/run/pms/api.sock", ...
    std::string unix_path;    ///< the socket file this process created, "" otherwise
};

/// Whether systemd passed this process its listening socket (LISTEN_PID, LISTEN_FDS): then
/// PMS_API_LISTEN is not used.
bool systemd_passes_socket();

/// Whether `address` (AF_INET or AF_INET6) is on this host only: 127.0.0.0/8, ::1, or
/// 127.0.0.0/8 mapped into IPv6.
bool is_loopback(const sockaddr& address);

/// Checks a PMS_API_LISTEN value: "unix:/path" passes; "host:port" must resolve, to a loopback
/// address unless `allow_public` (PMS_API_LISTEN_PUBLIC=1). Returns the value to open, a host
/// name replaced by the numeric address checked here, so that the socket opens on that address
/// and not on what a second lookup might return. Throws ConfigError naming the settings.
std::string checked_listen_address(const std::string& address, bool allow_public);

/// Takes the socket systemd passed (LISTEN_FDS/LISTEN_PID), else opens `address` ("unix:/path",
/// created with mode 0660, or "host:port", as checked_listen_address returned it); either way
/// non-blocking, for the children wait on it together (connections.hpp). Throws
/// std::runtime_error saying what failed.
ListenSocket open_listen_socket(const std::string& address);

}  // namespace pms::api
