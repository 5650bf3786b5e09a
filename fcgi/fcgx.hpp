#pragma once
/// Thin RAII wrapper over libfcgi's reentrant request API (FCGX_*): one FastCGI connection and
/// the request being read from or answered on it.

#include <fcgiapp.h>

#include <string>
#include <string_view>

namespace pms::api {

/// One connection from the web server, kept open between requests when the web server asks
/// (FCGI_KEEP_CONN, nginx's fastcgi_keep_conn). Connections are accepted elsewhere
/// (connections.hpp) and adopted here.
class FcgiConnection {
public:
    /// Once per process, before the first request.
    static void init_library();

    /// Adopts `fd`, an accepted connection.
    explicit FcgiConnection(int fd);
    ~FcgiConnection();
    FcgiConnection(const FcgiConnection&) = delete;
    FcgiConnection& operator=(const FcgiConnection&) = delete;

    int fd() const { return request_.ipcFd; }
    /// Reads the next request; false when the connection broke or the data was not FastCGI.
    bool read_request();
    /// Ends the request: flushes the response, then keeps the connection when the web server
    /// asked for that (returns true) or closes it (returns false).
    bool finish();

    /// A FastCGI parameter (CGI variable) of the current request, or nullptr.
    const char* param(const char* name) const;
    /// Reads up to `length` bytes of the request body.
    std::string read_body(size_t length);
    void write(std::string_view data);

private:
    void close();

    FCGX_Request request_{};
};

}  // namespace pms::api
