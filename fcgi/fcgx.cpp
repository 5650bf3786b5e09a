/// libfcgi requests on connections this process accepted itself.
#include "fcgi/fcgx.hpp"

#include <unistd.h>

namespace pms::api {

void FcgiConnection::init_library() {
    FCGX_Init();
}

FcgiConnection::FcgiConnection(int fd) {
    // No listening socket for libfcgi: after a failed read it would accept a connection of its
    // own (and wait up to 2 s for its first bytes) where Connections cannot see it. Without one,
    // a connection the web server closed simply fails to read.
    FCGX_InitRequest(&request_, -1, 0);
    request_.ipcFd = fd;
}

FcgiConnection::~FcgiConnection() {
    close();
    FCGX_Free(&request_, /*close=*/0);
}

bool FcgiConnection::read_request() {
    // FCGX_Accept_r reads the next request from ipcFd when it is open, so it serves both a new
    // connection and a kept one; marked as kept, the previous request's end does not close it.
    // It then sets keepConnection from what the web server asks for this request.
    request_.keepConnection = 1;
    return FCGX_Accept_r(&request_) >= 0 && request_.ipcFd >= 0;
}

bool FcgiConnection::finish() {
    if (request_.keepConnection != 0) {
        FCGX_Finish_r(&request_);
        return request_.ipcFd >= 0;  // libfcgi closes it itself after an error
    }
    // Read what is left of the request (a body refused unread, or just the end of the stream),
    // so that the web server is not still writing when the connection closes.
    char rest[4096];
    while (FCGX_GetStr(rest, sizeof rest, request_.in) > 0) {
    }
    // Closed here, not by libfcgi: its close shuts the socket down and waits for the web server
    // to close first, a guard against TCP resets that costs a round trip per connection.
    request_.keepConnection = 1;
    FCGX_Finish_r(&request_);
    close();
    return false;
}

void FcgiConnection::close() {
    if (request_.ipcFd >= 0) {
        ::close(request_.ipcFd);
        request_.ipcFd = -1;
    }
}

const char* FcgiConnection::param(const char* name) const {
    return FCGX_GetParam(name, request_.envp);
}

std::string FcgiConnection::read_body(size_t length) {
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

void FcgiConnection::write(std::string_view data) {
    FCGX_PutStr(data.data(), static_cast<int>(data.size()), request_.out);
}

}  // namespace pms::api
