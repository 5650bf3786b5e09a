#include "common/systemd_notify.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace {

TEST(SystemdNotify, SendsTheStateToNotifySocket) {
    const std::string path = "/tmp/pms-notify-test-" + std::to_string(getpid());
    const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    ASSERT_LT(path.size(), sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    setenv("NOTIFY_SOCKET", path.c_str(), 1);

    pms::systemd::notify("READY=1");
    char buffer[64] = {};
    const ssize_t n = recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT);
    EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0), "READY=1");

    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path.c_str());
}

TEST(SystemdNotify, WithoutSystemdNothingHappens) {
    unsetenv("NOTIFY_SOCKET");
    pms::systemd::notify("READY=1");  // must neither fail nor block
    unsetenv("WATCHDOG_USEC");
    EXPECT_EQ(pms::systemd::watchdog_interval().count(), 0);
}

TEST(SystemdNotify, WatchdogIntervalIsHalfTheTimeoutForThisProcess) {
    setenv("WATCHDOG_USEC", "10000000", 1);
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    EXPECT_EQ(pms::systemd::watchdog_interval().count(), 5000000);
    setenv("WATCHDOG_PID", "1", 1);
    EXPECT_EQ(pms::systemd::watchdog_interval().count(), 0);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}

}  // namespace
