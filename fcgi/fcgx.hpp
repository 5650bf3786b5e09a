#pragma once
/// Thin RAII wrapper over libfcgi's reentrant request API (FCGX_*).

#include <fcgiapp.h>

#include <string>
#include <string_view>

namespace pms::api {

/// One FastCGI request slot on a listening socket, reused for every request a child serves.
class FcgiRequest {
public:
    /// Once per process, before the first request.
    static void init_library();
    /// Makes a blocked accept() return, so a child can stop between requests.
    static void interrupt_accept();

    explicit FcgiRequest(int listen_fd);
    ~FcgiRequest();
    FcgiRequest(const FcgiRequest&) = delete;
    FcgiRequest& operator=(const FcgiRequest&) = delete;

    /// Waits for the next request; false when accepting failed or was interrupted.
    bool accept();
    /// Ends the request (flushes the response; keeps a kept-alive connection open).
    void finish();

    /// A FastCGI parameter (CGI variable), or nullptr.
    const char* param(const char* name) const;
    /// Reads up to `length` bytes of the request body.
    std::string read_body(size_t length);
    void write(std::string_view data);

private:
    FCGX_Request request_{};
    int listen_fd_;
    /// A unix socket: connections are accepted and closed here, without libfcgi's TCP-minded
    /// ceremony (see fcgx.cpp).
    bool unix_socket_;
};

}  // namespace pms::api
