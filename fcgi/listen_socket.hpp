#pragma once
/// The FastCGI listening socket: handed over by systemd socket activation, or opened here.

#include <string>

namespace pms::api {

struct ListenSocket {
    int fd = -1;
    std::string description;  ///< for the log: "systemd", "unix:/run/pms/api.sock", ...
    std::string unix_path;    ///< the socket file this process created, "" otherwise
};

/// Takes the socket systemd passed (LISTEN_FDS/LISTEN_PID), else opens `address`
/// ("unix:/path" or "host:port"); either way non-blocking, for the children wait on it together
/// (connections.hpp). Throws std::runtime_error saying what failed.
ListenSocket open_listen_socket(const std::string& address);

}  // namespace pms::api
