/// WATCHDOG=1 at most once per interval, and never without a watchdog.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "common/systemd_notify.hpp"

namespace pms::systemd {
namespace {

using std::chrono::milliseconds;

/// A datagram socket stands in for $NOTIFY_SOCKET while each test runs.
class WatchdogTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = "/tmp/pms-watchdog-test-" + std::to_string(getpid());
        unlink(path_.c_str());
        fd_ = socket(AF_UNIX, SOCK_DGRAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
        ASSERT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        setenv("NOTIFY_SOCKET", path_.c_str(), 1);
    }
    void TearDown() override {
        unsetenv("NOTIFY_SOCKET");
        close(fd_);
        unlink(path_.c_str());
    }
    /// The messages received so far.
    int pings() {
        int count = 0;
        char buffer[64];
        ssize_t n = 0;
        while ((n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
            EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)), "WATCHDOG=1");
            ++count;
        }
        return count;
    }

private:
    std::string path_;
    int fd_ = -1;
};

TEST_F(WatchdogTest, PingsOncePerInterval) {
    Watchdog watchdog(milliseconds(50));
    watchdog.ping_if_due();
    watchdog.ping_if_due();
    EXPECT_EQ(pings(), 1) << "the first call pings, the second is too early";
    EXPECT_GT(watchdog.due(), std::chrono::steady_clock::now());
    std::this_thread::sleep_for(milliseconds(60));
    watchdog.ping_if_due();
    EXPECT_EQ(pings(), 1);
}

TEST_F(WatchdogTest, WaitsEndBeforeTheNextPingIsDue) {
    Watchdog watchdog(milliseconds(50));
    watchdog.ping_if_due();
    EXPECT_LE(watchdog.bound(milliseconds(1000)), milliseconds(50));
    EXPECT_EQ(Watchdog(milliseconds(0)).bound(milliseconds(1000)), milliseconds(1000));
}

TEST_F(WatchdogTest, WithoutAWatchdogNothingIsSent) {
    Watchdog watchdog(milliseconds(0));
    watchdog.ping_if_due();
    EXPECT_EQ(pings(), 0);
    EXPECT_EQ(watchdog.due(), std::chrono::steady_clock::time_point::max());
}

}  // namespace
}  // namespace pms::systemd
