/// The canned-response HTTP server of the worker's unit tests.
#include "test_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace pms::worker::testing {

namespace {

int bound_socket(sockaddr_in* address) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("socket failed");
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address->sin_port = 0;
    socklen_t length = sizeof *address;
    if (bind(fd, reinterpret_cast<sockaddr*>(address), sizeof *address) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(address), &length) != 0) {
        close(fd);
        throw std::runtime_error("bind to 127.0.0.1 failed");
    }
    return fd;
}

void send_all(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return;  // the client gave up (e.g. a size limit): fine for these tests
        }
        sent += static_cast<size_t>(n);
    }
}

}  // namespace

std::string Request::header(const std::string& name) const {
    size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        const size_t end = head.find("\r\n", at + 2);
        const std::string line = head.substr(at + 2, end - at - 2);
        const size_t colon = line.find(':');
        if (colon != std::string::npos && colon == name.size() &&
            strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
            size_t value = colon + 1;
            while (value < line.size() && line[value] == ' ') {
                ++value;
            }
            return line.substr(value);
        }
        at = end;
    }
    return {};
}

TestHttpServer::TestHttpServer(Responder respond) : respond_(std::move(respond)) {
    sockaddr_in address{};
    listener_ = bound_socket(&address);
    port_ = ntohs(address.sin_port);
    if (listen(listener_, 16) != 0) {
        close(listener_);
        throw std::runtime_error("listen failed");
    }
    thread_ = std::thread([this] { serve(); });
}

TestHttpServer::~TestHttpServer() {
    stop_.store(true);
    thread_.join();
    close(listener_);
}

std::string TestHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<Request> TestHttpServer::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

std::string TestHttpServer::response(int status, const std::string& body,
                                     const std::string& extra_headers) {
    return "HTTP/1.1 " + std::to_string(status) +
           " Status\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

void TestHttpServer::serve() {
    while (!stop_.load()) {
        pollfd fd{listener_, POLLIN, 0};
        if (poll(&fd, 1, 50) <= 0) {
            continue;
        }
        const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            serve_one(client);
            close(client);
        }
    }
}

void TestHttpServer::serve_one(int client) {
    timeval timeout{5, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string data;
    char buffer[65536];
    size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) {
            return;
        }
        data.append(buffer, static_cast<size_t>(n));
    }
    Request request;
    request.head = data.substr(0, head_end + 2);
    request.method = request.head.substr(0, request.head.find(' '));
    const size_t target_start = request.method.size() + 1;
    request.target =
        request.head.substr(target_start, request.head.find(' ', target_start) - target_start);
    request.body = data.substr(head_end + 4);
    const std::string length = request.header("Content-Length");
    const size_t expected = length.empty() ? 0 : std::stoul(length);
    if (request.body.size() < expected && !request.header("Expect").empty()) {
        send_all(client, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    while (request.body.size() < expected) {
        const ssize_t n = recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) {
            break;
        }
        request.body.append(buffer, static_cast<size_t>(n));
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
    }
    send_all(client, respond_(request));
    shutdown(client, SHUT_WR);
}

int closed_port() {
    sockaddr_in address{};
    const int fd = bound_socket(&address);
    close(fd);
    return ntohs(address.sin_port);
}

}  // namespace pms::worker::testing
