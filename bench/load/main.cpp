/// pms-bench-load: keeps N HTTP/1.1 keep-alive connections busy for a fixed time, each request
/// with a product id drawn uniformly from a range, and prints requests/s, p50, p99 and errors as
/// JSON fragments like bench/lib.sh's wrk and pgbench lines.
///
/// wrk sends one fixed request unless scripted; this sends what the API benchmark needs (a random
/// product's GET or PUT, a POST with a body) from one thread with epoll, so that the load costs
/// the machine about what wrk costs. Loopback addresses only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string name = "load";
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string method = "GET";
    std::string path;  ///< "{id}" is replaced by a random id
    long id_min = 1;
    long id_max = 1;
    std::vector<std::string> headers;
    std::string body;
    int connections = 64;
    double seconds = 10;
};

[[noreturn]] void usage(const char* why) {
    std::cerr << "pms-bench-load: " << why << "\n"
              << "usage: pms-bench-load --name NAME --port PORT [--host 127.0.0.1] --path PATH\n"
              << "         [--method GET] [--ids MIN:MAX] [--header 'Name: value']...\n"
              << "         [--body-file FILE] [--connections 64] [--seconds 10]\n"
              << "PATH may hold {id}, replaced by an id drawn uniformly from MIN:MAX.\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            usage("every option takes a value");
        }
        const std::string value = argv[++i];
        if (flag == "--name") {
            o.name = value;
        } else if (flag == "--host") {
            o.host = value;
        } else if (flag == "--port") {
            o.port = std::atoi(value.c_str());
        } else if (flag == "--method") {
            o.method = value;
        } else if (flag == "--path") {
            o.path = value;
        } else if (flag == "--ids") {
            if (std::sscanf(value.c_str(), "%ld:%ld", &o.id_min, &o.id_max) != 2 ||
                o.id_min > o.id_max) {
                usage("--ids is MIN:MAX");
            }
        } else if (flag == "--header") {
            o.headers.push_back(value);
        } else if (flag == "--body-file") {
            std::ifstream in(value);
            std::stringstream text;
            text << in.rdbuf();
            o.body = text.str();
        } else if (flag == "--connections") {
            o.connections = std::atoi(value.c_str());
        } else if (flag == "--seconds") {
            o.seconds = std::atof(value.c_str());
        } else {
            usage("unknown option");
        }
    }
    if (o.path.empty() || o.port <= 0 || o.connections <= 0 || o.seconds <= 0) {
        usage("--path and --port are required");
    }
    return o;
}

/// Only the loopback network: a benchmark must never load another host.
sockaddr_in loopback_address(const Options& o) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(o.port));
    if (inet_pton(AF_INET, o.host.c_str(), &address.sin_addr) != 1 ||
        (ntohl(address.sin_addr.s_addr) >> 24U) != 127U) {
        usage("--host must be an IPv4 loopback address (127.0.0.0/8)");
    }
    return address;
}

/// One connection: the request being sent, the response being read.
struct Connection {
    int fd = -1;
    std::string out;
    size_t sent = 0;
    std::string in;
    Clock::time_point started;
};

/// The length of a complete response at the start of `in`, or 0 while it is incomplete.
/// Content-Length and chunked bodies are understood (nginx sends either); `closing` tells whether
/// the server closes the connection after it (nginx does after keepalive_requests).
size_t complete_length(const std::string& in, int& status, bool& closing) {
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end == std::string::npos) {
        return 0;
    }
    status = std::atoi(in.c_str() + in.find(' ') + 1);
    const std::string_view head(in.data(), head_end);
    const size_t body_start = head_end + 4;
    auto header = [&](std::string_view name) -> std::string_view {
        for (size_t at = head.find("\r\n"); at != std::string_view::npos;
             at = head.find("\r\n", at + 2)) {
            const std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
            if (line.size() > name.size() &&
                strncasecmp(line.data(), name.data(), name.size()) == 0 &&
                line[name.size()] == ':') {
                std::string_view value = line.substr(name.size() + 1);
                while (!value.empty() && value.front() == ' ') {
                    value.remove_prefix(1);
                }
                return value;
            }
        }
        return {};
    };
    closing = header("Connection") == "close";
    if (const std::string_view length = header("Content-Length"); !length.empty()) {
        const size_t total = body_start + std::strtoul(std::string(length).c_str(), nullptr, 10);
        return in.size() >= total ? total : 0;
    }
    if (header("Transfer-Encoding").find("chunked") != std::string_view::npos) {
        size_t at = body_start;
        for (;;) {
            const size_t line_end = in.find("\r\n", at);
            if (line_end == std::string::npos) {
                return 0;
            }
            const size_t size = std::strtoul(in.c_str() + at, nullptr, 16);
            at = line_end + 2 + size + 2;
            if (at > in.size()) {
                return 0;
            }
            if (size == 0) {
                return at;
            }
        }
    }
    return body_start;  // no body (204)
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    const sockaddr_in address = loopback_address(options);
    std::mt19937_64 random(std::random_device{}());
    std::uniform_int_distribution<long> ids(options.id_min, options.id_max);

    std::string fixed_headers = "Host: " + options.host + "\r\n";
    for (const std::string& header : options.headers) {
        fixed_headers += header + "\r\n";
    }
    if (!options.body.empty()) {
        fixed_headers += "Content-Type: application/json\r\nContent-Length: " +
                         std::to_string(options.body.size()) + "\r\n";
    }
    auto next_request = [&] {
        std::string path = options.path;
        if (const size_t at = path.find("{id}"); at != std::string::npos) {
            path.replace(at, 4, std::to_string(ids(random)));
        }
        return options.method + " " + path + " HTTP/1.1\r\n" + fixed_headers + "\r\n" +
               options.body;
    };

    const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    std::vector<Connection> connections(static_cast<size_t>(options.connections));
    auto open = [&](Connection& c) {
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
            errno != EINPROGRESS) {
            std::perror("connect");
            std::exit(1);
        }
        c.out = next_request();
        c.sent = 0;
        c.in.clear();
        c.started = Clock::now();
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.ptr = &c;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &event);
    };
    auto reopen = [&](Connection& c) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        open(c);
    };
    for (Connection& c : connections) {
        open(c);
    }

    std::vector<uint32_t> latencies_us;
    latencies_us.reserve(1U << 20U);
    long errors = 0;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.seconds));
    std::vector<epoll_event> events(connections.size());
    char buffer[65536];
    while (Clock::now() < deadline) {
        const int ready = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 100);
        for (int i = 0; i < ready; ++i) {
            Connection& c = *static_cast<Connection*>(events[static_cast<size_t>(i)].data.ptr);
            if (c.sent < c.out.size() && (events[static_cast<size_t>(i)].events & EPOLLOUT)) {
                const ssize_t n =
                    send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
                if (n < 0 && errno != EAGAIN) {
                    ++errors;
                    reopen(c);
                    continue;
                }
                c.sent += n > 0 ? static_cast<size_t>(n) : 0;
                if (c.sent == c.out.size()) {
                    epoll_event event{};
                    event.events = EPOLLIN;
                    event.data.ptr = &c;
                    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &event);
                }
            }
            if (!(events[static_cast<size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                continue;
            }
            const ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                ++errors;  // the server closed a kept connection mid-request
                reopen(c);
                continue;
            }
            if (n < 0) {
                continue;
            }
            c.in.append(buffer, static_cast<size_t>(n));
            int status = 0;
            bool closing = false;
            if (const size_t length = complete_length(c.in, status, closing); length > 0) {
                const auto now = Clock::now();
                latencies_us.push_back(static_cast<uint32_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(now - c.started)
                        .count()));
                if (status < 200 || status >= 300) {
                    ++errors;
                }
                if (closing) {
                    reopen(c);
                    continue;
                }
                c.in.erase(0, length);
                c.out = next_request();
                c.sent = 0;
                c.started = now;
                epoll_event event{};
                event.events = EPOLLIN | EPOLLOUT;
                event.data.ptr = &c;
                epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &event);
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    for (Connection& c : connections) {
        close(c.fd);
    }
    close(epoll_fd);

    std::sort(latencies_us.begin(), latencies_us.end());
    auto percentile_ms = [&](double p) {
        return latencies_us.empty()
                   ? 0.0
                   : latencies_us[std::min(
                         latencies_us.size() - 1,
                         static_cast<size_t>(p * static_cast<double>(latencies_us.size())))] /
                         1000.0;
    };
    const std::string& n = options.name;
    std::printf("\"%s_rps\": %.1f, \"%s_p50_ms\": %.3f, \"%s_p99_ms\": %.3f, \"%s_errors\": %ld\n",
                n.c_str(), static_cast<double>(latencies_us.size()) / elapsed, n.c_str(),
                percentile_ms(0.5), n.c_str(), percentile_ms(0.99), n.c_str(), errors);
    return 0;
}
