/// pms-worker under a service manager: a second worker is started with a notification socket
/// of the test's own, as systemd would with Type=notify and WatchdogSec=.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/e2e/stack.hpp"

extern char** environ;

namespace pms::e2e::worker {
namespace {

/// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
public:
    explicit NotifySocket(std::string path) : path_(std::move(path)) {
        unlink(path_.c_str());
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
        EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
            << std::strerror(errno);
    }
    ~NotifySocket() {
        close(fd_);
        unlink(path_.c_str());
    }

    /// The next message, or "" after `timeout`.
    std::string next(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
            return "";
        }
        char buffer[256] = {};
        const ssize_t n = recv(fd_, buffer, sizeof buffer - 1, 0);
        return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
    }

    /// Waits up to `timeout` for `state`, skipping other messages.
    bool wait_for(const std::string& state, std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (next(std::chrono::milliseconds(100)) == state) {
                return true;
            }
        }
        return false;
    }

private:
    std::string path_;
    int fd_ = -1;
};

TEST(WorkerSystemd, NotifiesReadyWatchdogAndStopping) {
    const std::string stack = e2e::setting("PMS_STACK_DIR");
    const std::string build = e2e::setting("PMS_BUILD_DIR");
    ASSERT_FALSE(stack.empty() || build.empty());
    const std::string binary = build + "/bin/pms-worker";
    NotifySocket notify(stack + "/run/worker-notify-test.sock");

    // The test's environment is the stack's (pms.env), plus what systemd would add.
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "ASAN_OPTIONS=", 13) != 0) {
            env.emplace_back(*e);
        }
    }
    env.push_back("NOTIFY_SOCKET=" + stack + "/run/worker-notify-test.sock");
    env.push_back("WATCHDOG_USEC=400000");  // a ping every 200 ms
    // As for the stack's daemons: no leak report at exit, real reports where scripts/test
    // looks for them.
    env.push_back("ASAN_OPTIONS=detect_leaks=0:log_path=" + stack + "/logs/asan");
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (std::string& item : env) {
        envp.push_back(item.data());
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    const std::string log = stack + "/logs/pms-worker-notify-test.log";
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    std::string argv0 = binary;
    char* argv[] = {argv0.data(), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &files, nullptr, argv, envp.data()), 0);
    posix_spawn_file_actions_destroy(&files);

    EXPECT_TRUE(notify.wait_for("READY=1", std::chrono::seconds(30)))
        << "no READY=1 once consuming";
    int pings = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (std::chrono::steady_clock::now() < until) {
        pings += notify.next(std::chrono::milliseconds(100)) == "WATCHDOG=1" ? 1 : 0;
    }
    EXPECT_GE(pings, 4) << "WATCHDOG=1 about every 200 ms";
    EXPECT_LE(pings, 9);

    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_TRUE(notify.wait_for("STOPPING=1", std::chrono::seconds(10)));
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    pid_t waited = 0;
    while ((waited = waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline) {
        usleep(20000);
    }
    if (waited == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL() << "pms-worker did not exit after SIGTERM";
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace pms::e2e::worker
