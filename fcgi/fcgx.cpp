/// libfcgi request handling.
#include "fcgi/fcgx.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace pms::api {

void FcgiRequest::init_library() {
    FCGX_Init();
}

void FcgiRequest::interrupt_accept() {
    FCGX_ShutdownPending();
}

namespace {
bool is_unix_socket(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    return getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           address.ss_family == AF_UNIX;
}
}  // namespace

FcgiRequest::FcgiRequest(int listen_fd)
    : listen_fd_(listen_fd), unix_socket_(is_unix_socket(listen_fd)) {
    // FAIL_ACCEPT_ON_INTR: a signal ends accept() instead of restarting it, so SIGTERM stops
    // an idle child at once.
    FCGX_InitRequest(&request_, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
}

FcgiRequest::~FcgiRequest() {
    FCGX_Free(&request_, /*close=*/1);
}

// On a unix socket libfcgi's own accept() polls each new connection for data (waiting up to two
// seconds) and its close() shuts the connection down and waits for the web server to close
// first: a guard against TCP resets that unix sockets do not need, and 4 of the 11 system calls
// of a cached GET. So a connection is accepted here and handed to FCGX_Accept_r as if kept open,
// and closed here once answered. Over TCP libfcgi does both itself.
bool FcgiRequest::accept() {
    if (unix_socket_ && request_.ipcFd < 0) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            return false;  // a stop signal (EINTR), or a failure the master answers with a new
                           // child
        }
        request_.ipcFd = fd;
        // FCGX_Accept_r first finishes the previous request and would close a connection not
        // marked as kept; it then sets keepConnection from what the web server asks.
        request_.keepConnection = 1;
    }
    return FCGX_Accept_r(&request_) >= 0;
}

void FcgiRequest::finish() {
    if (!unix_socket_ || request_.keepConnection != 0) {
        FCGX_Finish_r(&request_);
        return;
    }
    // Read what is left of the request (a body refused unread, or just the end of the stream),
    // so that the web server is not still writing when the connection closes.
    char rest[4096];
    while (FCGX_GetStr(rest, sizeof rest, request_.in) > 0) {
    }
    request_.keepConnection = 1;  // so FCGX_Finish_r flushes the response but leaves the socket
    FCGX_Finish_r(&request_);
    if (request_.ipcFd >= 0) {
        ::close(request_.ipcFd);
        request_.ipcFd = -1;
    }
    request_.keepConnection = 0;
}

const char* FcgiRequest::param(const char* name) const {
    return FCGX_GetParam(name, request_.envp);
}

std::string FcgiRequest::read_body(size_t length) {
    std::string body(length, '\0');
    size_t done = 0;
    while (done < length) {
        const int n = FCGX_GetStr(body.data() + done, static_cast<int>(length - done), request_.in);
        if (n <= 0) {
            break;
        }
        done += static_cast<size_t>(n);
    }
    body.resize(done);
    return body;
}

void FcgiRequest::write(std::string_view data) {
    FCGX_PutStr(data.data(), static_cast<int>(data.size()), request_.out);
}

}  // namespace pms::api
