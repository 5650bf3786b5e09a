/// The FastCGI records of the batch loop: the input is what the web server would write on one
/// connection (any number of requests, records of any type, cut anywhere). It goes in through a
/// local socket and is read twice, both ways the API reads it:
/// - FcgiConnection on one end of a socketpair: read_request(), the parameters and the body as
///   child.cpp reads them, a response, finish(), for as long as the connection is kept;
/// - then, when the first request could be read, Connections (epoll, accept, batches, done(),
///   the drain of a stopping child) over a private listening socket.
/// The writing end is shut down after the input, so every read ends (data or end of stream):
/// nothing waits, and no network is involved.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "fcgi/connections.hpp"
#include "fcgi/fcgx.hpp"
#include "fcgi/request_id.hpp"

namespace {

// child.cpp refuses bodies over ApiConfig::max_body_bytes (1 MiB) without reading them.
constexpr unsigned long long kMaxBodyBytes = 1U << 20U;

// A connection carries one request per few dozen bytes at most: this bounds the loops.
constexpr int kMaxRequests = 100'000;

// The largest parameter length an input may encode (see beyond_web_server()).
constexpr uint32_t kMaxParamLength = 1U << 20U;

int g_listen_fd = -1;
sockaddr_un g_listen_address{};

[[noreturn]] void fail(const char* what) {
    std::perror(what);
    std::abort();
}

std::string_view param_or_empty(const pms::api::FcgiConnection& fcgi, const char* name) {
    const char* value = fcgi.param(name);
    return value != nullptr ? std::string_view(value) : std::string_view();
}

/// Whether the input could hold a FastCGI parameter length no web server sends: libfcgi 2.4.2
/// adds a name's and a value's lengths in an int and mallocs what they claim (up to 2 GiB, or a
/// negative size), before reading a byte of them (tests/fuzz/README.md, "Findings"; libfcgi's
/// bug, reported, not ours to fix). nginx builds its parameters itself, far under 1 MiB. Where
/// libfcgi takes a length from depends on how it resyncs on malformed records, so any byte
/// that could start a 4-byte length of 1 MiB or more counts, wherever it is: the target gives
/// up inputs with bytes over 0x80 for a harness that does not stop on libfcgi's known bug.
bool beyond_web_server(const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
        if ((data[i] & 0x80U) == 0) {
            continue;
        }
        const uint32_t second = i + 1 < size ? data[i + 1] : 0;
        if ((static_cast<uint32_t>(data[i] & 0x7FU) << 24U | second << 16U) >= kMaxParamLength) {
            return true;
        }
    }
    return false;
}

/// What child.cpp's read_request() and the request id take from a request, then a response.
void serve(pms::api::FcgiConnection& fcgi) {
    size_t seen = 0;
    for (const char* name : {"REQUEST_METHOD", "DOCUMENT_URI", "REQUEST_URI", "QUERY_STRING",
                             "CONTENT_TYPE", "HTTP_CACHE_CONTROL"}) {
        seen += param_or_empty(fcgi, name).size();
    }
    const std::string_view length_text = param_or_empty(fcgi, "CONTENT_LENGTH");
    const unsigned long long length =
        length_text.empty() ? 0 : std::strtoull(std::string(length_text).c_str(), nullptr, 10);
    std::string body;
    if (length <= kMaxBodyBytes) {
        body = fcgi.read_body(static_cast<size_t>(length));
    }
    const std::string id =
        pms::api::choose_request_id(fcgi.param("HTTP_X_REQUEST_ID"), fcgi.param("REQUEST_ID"));
    fcgi.write("Status: 200 OK\r\nX-Request-Id: " + id + "\r\n\r\n" + std::to_string(seen) + " " +
               std::to_string(body.size()));
}

/// Reads and discards what the API wrote back, so that its next response never waits for room.
void drain(int fd) {
    char buffer[65536];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

/// Writes the input, then ends the stream. A peer that stops reading cannot make this wait: the
/// socket is non-blocking and its send buffer larger than -max_len (scripts/fuzz).
void send_all(int fd, const uint8_t* data, size_t size) {
    const int buffer_bytes = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        fail("fcntl");
    }
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) {
            break;  // a full buffer: the rest is cut, which is one more input like any other
        }
        done += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
}

/// FcgiConnection alone; whether the first request could be read.
bool read_with_connection(const uint8_t* data, size_t size) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        fail("socketpair");
    }
    send_all(fds[0], data, size);
    bool first = false;
    {
        pms::api::FcgiConnection fcgi(fds[1]);  // owns and closes fds[1]
        for (int i = 0; i < kMaxRequests && fcgi.read_request(); ++i) {
            first = true;
            serve(fcgi);
            const bool kept = fcgi.finish();
            drain(fds[0]);
            if (!kept) {
                break;
            }
        }
    }
    ::close(fds[0]);
    return first;
}

/// The batch loop over Connections, as child.cpp runs it.
void read_with_connections(const uint8_t* data, size_t size) {
    const int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client < 0) {
        fail("socket");
    }
    if (connect(client, reinterpret_cast<const sockaddr*>(&g_listen_address),
                sizeof g_listen_address) != 0) {
        fail("connect");
    }
    send_all(client, data, size);
    {
        pms::api::Connections connections(g_listen_fd, std::chrono::seconds(10));
        // Not stopping for the first batch, so that the connection is accepted. Only inputs
        // whose first request reads come here: a first read that failed would leave nothing to
        // wait for, and next_batch() would wait for the next connection for ever.
        std::atomic<bool> stopping{false};
        for (int i = 0; i < kMaxRequests; ++i) {
            const auto batch = connections.next_batch(stopping);
            if (batch.empty()) {
                break;
            }
            for (pms::api::FcgiConnection* fcgi : batch) {
                serve(*fcgi);
                connections.done(*fcgi);
                drain(client);
            }
            // From now on a stopping child: the kept connection is served until its stream
            // ends, and the (always readable) connection never makes the drain wait.
            stopping = true;
        }
    }
    ::close(client);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    pms::api::FcgiConnection::init_library();
    // A response to a peer that closed must fail as a write, not kill the process.
    signal(SIGPIPE, SIG_IGN);
    // A listening socket in the abstract namespace: no file, private to this process by name.
    g_listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (g_listen_fd < 0) {
        fail("socket");
    }
    g_listen_address.sun_family = AF_UNIX;
    std::snprintf(g_listen_address.sun_path + 1, sizeof g_listen_address.sun_path - 1,
                  "pms-fuzz-fcgi-records-%d", static_cast<int>(getpid()));
    if (bind(g_listen_fd, reinterpret_cast<const sockaddr*>(&g_listen_address),
             sizeof g_listen_address) != 0 ||
        listen(g_listen_fd, 16) != 0) {
        fail("bind/listen");
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (beyond_web_server(data, size)) {
        return -1;  // not added to the corpus
    }
    if (read_with_connection(data, size)) {
        read_with_connections(data, size);
    }
    return 0;
}
