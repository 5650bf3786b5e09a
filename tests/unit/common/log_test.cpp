#include "common/log.hpp"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/json.hpp"

namespace {

int thread_count() {
    int count = 0;
    DIR* tasks = opendir("/proc/self/task");
    while (dirent* entry = readdir(tasks)) {
        if (entry->d_name[0] != '.') {
            ++count;
        }
    }
    closedir(tasks);
    return count;
}

// The pre-fork master may only fork while it is single-threaded.
TEST(Log, InitLeavesTheProcessSingleThreaded) {
    pms::log::init("test", "info");
    // A joined thread may stay listed for a moment while the kernel finishes its exit.
    for (int i = 0; i < 100 && thread_count() > 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(thread_count(), 1);
}

TEST(Log, LinesAreJsonWithRequestIdAndFields) {
    pms::log::init("test", "info");
    pms::log::set_request_id("req-1");
    testing::internal::CaptureStderr();
    pms::log::info("hello \"world\"",
                   {{"status", 201}, {"path", "/x"}, {"duration_ms", 0.114}, {"ratio", 1.0 / 0.0}});
    pms::log::debug("not shown");
    const std::string line = testing::internal::GetCapturedStderr();
    pms::log::set_request_id("");
    std::string error;
    auto value = pms::json::parse_strict(line, &error);
    ASSERT_TRUE(value) << line << ": " << error;
    EXPECT_EQ((*value)["level"].asString(), "info");
    EXPECT_EQ((*value)["program"].asString(), "test");
    EXPECT_EQ((*value)["request_id"].asString(), "req-1");
    EXPECT_EQ((*value)["message"].asString(), "hello \"world\"");
    EXPECT_EQ((*value)["status"].asInt(), 201);
    EXPECT_EQ((*value)["path"].asString(), "/x");
    EXPECT_NE(line.find("\"duration_ms\":0.114,"), std::string::npos) << line;
    EXPECT_TRUE((*value)["ratio"].isNull()) << "JSON has no infinity";
    EXPECT_TRUE((*value)["pid"].isInt());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
}

// Pre-forked children log with their own pid, although the pid is not looked up per line.
TEST(Log, AForkedChildLogsItsOwnPid) {
    pms::log::init("test", "info");
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    const pid_t child = fork();
    if (child == 0) {
        dup2(pipe_fds[1], STDERR_FILENO);
        pms::log::info("from the child");
        _exit(0);
    }
    close(pipe_fds[1]);
    char buffer[1024] = {};
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer - 1);
    close(pipe_fds[0]);
    waitpid(child, nullptr, 0);
    ASSERT_GT(n, 0);
    auto value = pms::json::parse_strict(std::string(buffer, static_cast<size_t>(n)), nullptr);
    ASSERT_TRUE(value) << buffer;
    EXPECT_EQ((*value)["pid"].asInt(), child);
}

/// Stderr as a datagram socket while it lives: each write() of the logger is one datagram.
class StderrWrites {
public:
    StderrWrites() {
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, fds_), 0);
        saved_ = dup(STDERR_FILENO);
        dup2(fds_[1], STDERR_FILENO);
    }
    ~StderrWrites() {
        dup2(saved_, STDERR_FILENO);
        close(saved_);
        close(fds_[0]);
        close(fds_[1]);
    }
    /// The writes made since the last call, in order.
    std::vector<std::string> take() {
        std::vector<std::string> writes;
        char buffer[65536];
        for (ssize_t n; (n = recv(fds_[0], buffer, sizeof buffer, MSG_DONTWAIT)) > 0;) {
            writes.emplace_back(buffer, static_cast<size_t>(n));
        }
        return writes;
    }

private:
    int fds_[2] = {-1, -1};
    int saved_ = -1;
};

TEST(Log, EachLineIsOneWrite) {
    pms::log::init("test", "info");
    StderrWrites stderr_writes;
    pms::log::info("first");
    pms::log::info("second");
    const auto writes = stderr_writes.take();
    ASSERT_EQ(writes.size(), 2U);
    EXPECT_NE(writes[0].find("\"first\""), std::string::npos);
}

TEST(Log, HeldLinesAreWrittenTogetherInWholeLinesUpToPipeBuf) {
    pms::log::init("test", "info");
    StderrWrites stderr_writes;
    constexpr int kLines = 40;  // about 12 KB: more than one PIPE_BUF
    {
        pms::log::HeldLines held;
        for (int i = 0; i < kLines; ++i) {
            pms::log::info("request", {{"n", i}, {"path", std::string(250, 'x')}});
        }
        pms::log::debug("below the level: not held either");
    }
    const auto writes = stderr_writes.take();
    ASSERT_GE(writes.size(), 3U);
    EXPECT_LT(writes.size(), 10U) << "lines were not written together";
    int next = 0;
    for (const std::string& write : writes) {
        EXPECT_LE(write.size(), static_cast<size_t>(PIPE_BUF));
        ASSERT_EQ(write.back(), '\n') << "a write ended inside a line";
        std::istringstream lines(write);
        for (std::string line; std::getline(lines, line);) {
            auto value = pms::json::parse_strict(line, nullptr);
            ASSERT_TRUE(value) << line;
            EXPECT_EQ((*value)["n"].asInt(), next++) << "lines out of order";
        }
    }
    EXPECT_EQ(next, kLines);

    pms::log::info("after the batch");
    EXPECT_EQ(stderr_writes.take().size(), 1U) << "lines after HeldLines ended were held";
}

TEST(Log, UnknownLevelIsRefused) {
    EXPECT_THROW(pms::log::init("test", "loud"), std::exception);
}

}  // namespace
