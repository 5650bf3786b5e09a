/// libfcgi request handling.
#include "fcgi/fcgx.hpp"

namespace pms::api {

void FcgiRequest::init_library() {
    FCGX_Init();
}

void FcgiRequest::interrupt_accept() {
    FCGX_ShutdownPending();
}

FcgiRequest::FcgiRequest(int listen_fd) {
    // FAIL_ACCEPT_ON_INTR: a signal ends accept() instead of restarting it, so SIGTERM stops
    // an idle child at once.
    FCGX_InitRequest(&request_, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
}

FcgiRequest::~FcgiRequest() {
    FCGX_Free(&request_, /*close=*/1);
}

bool FcgiRequest::accept() {
    return FCGX_Accept_r(&request_) >= 0;
}

void FcgiRequest::finish() {
    FCGX_Finish_r(&request_);
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
