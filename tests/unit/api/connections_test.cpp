/// Connections over a real unix socket, with a FastCGI client written here: batches of requests
/// from kept connections, and closed connections dropped without side effects.
#include "fcgi/connections.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fcgi/listen_socket.hpp"

namespace {

using pms::api::Connections;
using pms::api::FcgiConnection;

constexpr unsigned char kBeginRequest = 1;
constexpr unsigned char kEndRequest = 3;
constexpr unsigned char kParams = 4;
constexpr unsigned char kStdin = 5;
constexpr unsigned char kStdout = 6;

std::string record(unsigned char type, const std::string& content) {
    std::string out = {1,
                       static_cast<char>(type),
                       0,
                       1,
                       static_cast<char>(content.size() >> 8),
                       static_cast<char>(content.size() & 0xff),
                       0,
                       0};
    return out + content;
}

/// A web server's side of one kept FastCGI connection (what nginx does with fastcgi_keep_conn).
class Client {
public:
    explicit Client(const std::string& path) : fd_(socket(AF_UNIX, SOCK_STREAM, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send_request(const std::string& uri) {
        // Role 1 (responder), flags 1 (keep the connection).
        const std::string begin = {0, 1, 1, 0, 0, 0, 0, 0};
        const std::string name = "DOCUMENT_URI";
        const std::string pair =
            std::string{static_cast<char>(name.size()), static_cast<char>(uri.size())} + name + uri;
        const std::string data = record(kBeginRequest, begin) + record(kParams, pair) +
                                 record(kParams, "") + record(kStdin, "");
        ASSERT_EQ(write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    }

    /// The response's stdout, read until the end-of-request record.
    std::string read_response() {
        std::string out;
        for (;;) {
            unsigned char header[8];
            if (!read_exactly(header, sizeof header)) {
                return out + "<closed>";
            }
            const size_t length = (header[4] << 8 | header[5]) + header[6];
            std::string content(length, '\0');
            read_exactly(content.data(), length);
            if (header[1] == kStdout) {
                out += content.substr(0, length - header[6]);
            } else if (header[1] == kEndRequest) {
                return out;
            }
        }
    }

    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    bool read_exactly(void* buffer, size_t length) {
        auto* at = static_cast<char*>(buffer);
        while (length > 0) {
            const ssize_t n = read(fd_, at, length);
            if (n <= 0) {
                return false;
            }
            at += n;
            length -= static_cast<size_t>(n);
        }
        return true;
    }

    int fd_;
};

class ConnectionsTest : public ::testing::Test {
protected:
    ConnectionsTest()
        : path_("/tmp/pms-connections-test-" + std::to_string(getpid()) + ".sock"),
          listen_fd_(pms::api::open_listen_socket("unix:" + path_).fd) {
        FcgiConnection::init_library();
    }
    ~ConnectionsTest() override {
        ::close(listen_fd_);
        unlink(path_.c_str());
    }

    /// The next batch, or an empty one after `bound` (a stop flag raised by a watchdog, with a
    /// signal to end the wait), so a wait that never ends fails the test instead of hanging it.
    static std::vector<FcgiConnection*> next_batch(Connections& connections,
                                                   std::chrono::milliseconds bound) {
        std::atomic<bool> stopping{false};
        std::atomic<bool> returned{false};
        const pthread_t waiter = pthread_self();
        std::thread watchdog([&] {
            const auto deadline = std::chrono::steady_clock::now() + bound;
            while (!returned.load() && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            if (!returned.load()) {
                stopping.store(true);
                pthread_kill(waiter, SIGUSR1);
            }
        });
        auto batch = connections.next_batch(stopping);
        returned.store(true);
        watchdog.join();
        return batch;
    }

    /// Answers each request of `batch` with its DOCUMENT_URI (no headers: only the client reads
    /// it).
    static void answer(Connections& connections, const std::vector<FcgiConnection*>& batch) {
        for (FcgiConnection* request : batch) {
            request->write(request->param("DOCUMENT_URI"));
            connections.done(*request);
        }
    }

    std::string path_;
    int listen_fd_;
};

void ignore_signal(int) {}

/// SIGUSR1 ends a wait (no SA_RESTART), for the watchdog of next_batch().
void interrupt_waits_on_sigusr1() {
    struct sigaction action {};
    action.sa_handler = ignore_signal;
    sigaction(SIGUSR1, &action, nullptr);
}

TEST_F(ConnectionsTest, RequestsOnKeptConnectionsComeAsOneBatch) {
    interrupt_waits_on_sigusr1();
    Connections connections(listen_fd_, std::chrono::milliseconds(100));
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<Client>(path_));
        clients.back()->send_request("/first/" + std::to_string(i));
        // One connection is accepted per wake-up; its request comes with a later one.
        auto batch = next_batch(connections, std::chrono::seconds(2));
        ASSERT_EQ(batch.size(), 1U);
        answer(connections, batch);
        EXPECT_EQ(clients.back()->read_response(), "/first/" + std::to_string(i));
    }

    for (int i = 0; i < 3; ++i) {
        clients[i]->send_request("/second/" + std::to_string(i));
    }
    const auto batch = next_batch(connections, std::chrono::seconds(2));
    ASSERT_EQ(batch.size(), 3U) << "requests waiting on three kept connections";
    std::set<std::string> uris;
    for (FcgiConnection* request : batch) {
        uris.insert(request->param("DOCUMENT_URI"));
    }
    EXPECT_EQ(uris, (std::set<std::string>{"/second/0", "/second/1", "/second/2"}));
    answer(connections, batch);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(clients[i]->read_response(), "/second/" + std::to_string(i));
    }
}

// The web server closing a kept connection must cost nothing but that connection: libfcgi, left
// to itself, would go on to accept the next connection behind Connections' back.
TEST_F(ConnectionsTest, AClosedConnectionIsDroppedAndTheNextOneServed) {
    interrupt_waits_on_sigusr1();
    Connections connections(listen_fd_, std::chrono::milliseconds(100));
    Client first(path_);
    first.send_request("/first");
    auto batch = next_batch(connections, std::chrono::seconds(2));
    ASSERT_EQ(batch.size(), 1U);
    answer(connections, batch);
    EXPECT_EQ(first.read_response(), "/first");

    first.close();
    Client second(path_);
    second.send_request("/second");
    std::vector<std::string> served;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (served.empty() && std::chrono::steady_clock::now() < deadline) {
        batch = next_batch(connections, std::chrono::seconds(1));
        for (FcgiConnection* request : batch) {
            served.emplace_back(request->param("DOCUMENT_URI"));
        }
        answer(connections, batch);
    }
    EXPECT_EQ(served, std::vector<std::string>{"/second"});
    EXPECT_EQ(second.read_response(), "/second");

    // And the new connection is watched like any other: its next request is seen.
    second.send_request("/second/again");
    batch = next_batch(connections, std::chrono::seconds(1));
    ASSERT_EQ(batch.size(), 1U);
    EXPECT_STREQ(batch[0]->param("DOCUMENT_URI"), "/second/again");
    answer(connections, batch);
    EXPECT_EQ(second.read_response(), "/second/again");
}

}  // namespace
