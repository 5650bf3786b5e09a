/// The fallback listener (pms-api without socket activation): which TCP addresses it accepts
/// without PMS_API_LISTEN_PUBLIC, and the mode of the unix socket it creates. The address checks
/// are pure logic over numeric addresses: nothing here binds or connects to anything but a unix
/// socket in a folder of its own.
#include "fcgi/listen_socket.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/config.hpp"
#include "fcgi/api_config.hpp"

namespace {

using pms::ConfigError;
using pms::api::checked_listen_address;
using pms::api::is_loopback;

bool ipv4_is_loopback(const char* text) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text, &address.sin_addr), 1) << text;
    return is_loopback(reinterpret_cast<const sockaddr&>(address));
}

bool ipv6_is_loopback(const char* text) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text, &address.sin6_addr), 1) << text;
    return is_loopback(reinterpret_cast<const sockaddr&>(address));
}

/// The message of the ConfigError that checking `address` throws, or "" when it passes.
std::string refusal(const std::string& address, bool allow_public = false) {
    try {
        checked_listen_address(address, allow_public);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "";
}

TEST(ListenAddress, LoopbackIs127Slash8AndColonColon1) {
    for (const char* address : {"127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.255"}) {
        EXPECT_TRUE(ipv4_is_loopback(address)) << address;
    }
    for (const char* address :
         {"0.0.0.0", "10.0.0.1", "126.255.255.255", "128.0.0.1", "192.0.2.10", "255.255.255.255"}) {
        EXPECT_FALSE(ipv4_is_loopback(address)) << address;
    }
    EXPECT_TRUE(ipv6_is_loopback("::1"));
    // A socket bound to a mapped 127.x takes only IPv4 connections to 127.x.
    EXPECT_TRUE(ipv6_is_loopback("::ffff:127.0.0.1"));
    for (const char* address : {"::", "::2", "::ffff:192.0.2.10", "::ffff:0.0.0.0", "fe80::1",
                                "2001:db8::1", "::127.0.0.1"}) {
        EXPECT_FALSE(ipv6_is_loopback(address)) << address;
    }
    sockaddr_un unix_address{};
    unix_address.sun_family = AF_UNIX;
    EXPECT_FALSE(is_loopback(reinterpret_cast<const sockaddr&>(unix_address)));
}

TEST(ListenAddress, LoopbackAndUnixSocketsPass) {
    EXPECT_EQ(checked_listen_address("unix:/run/pms/api.sock", false), "unix:/run/pms/api.sock");
    EXPECT_EQ(checked_listen_address("127.0.0.1:9000", false), "127.0.0.1:9000");
    EXPECT_EQ(checked_listen_address("127.8.9.10:9000", false), "127.8.9.10:9000");
    EXPECT_EQ(checked_listen_address("[::1]:9000", false), "[::1]:9000");
}

TEST(ListenAddress, OtherAddressesNeedTheSetting) {
    // An empty host is every address of the host.
    for (const char* address : {"0.0.0.0:9000", ":9000", "[::]:9000", "192.0.2.10:9000",
                                "[2001:db8::1]:9000", "[::ffff:192.0.2.10]:9000"}) {
        const std::string message = refusal(address);
        EXPECT_NE(message.find("PMS_API_LISTEN_PUBLIC=1"), std::string::npos)
            << address << ": " << message;
        EXPECT_EQ(message.rfind(std::string("PMS_API_LISTEN=") + address, 0), 0U) << message;
    }
    EXPECT_EQ(checked_listen_address("192.0.2.10:9000", true), "192.0.2.10:9000");
    EXPECT_EQ(checked_listen_address("[2001:db8::1]:9000", true), "[2001:db8::1]:9000");
    EXPECT_EQ(refusal(":9000", true), "");
}

TEST(ListenAddress, MalformedIsAConfigError) {
    for (const char* address : {"9000", "127.0.0.1", "127.0.0.1:port", "[::1]:"}) {
        EXPECT_NE(refusal(address).find("PMS_API_LISTEN"), std::string::npos) << address;
    }
}

/// Settings that ApiConfig::from needs besides the address, set only for one test.
class ApiConfigListen : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("PMS_API_DATABASE_URL", "postgresql://pms_api@127.0.0.1:5432/pms", 1);
        setenv("PMS_JWT_SECRET", std::string(32, 's').c_str(), 1);
    }
    void TearDown() override {
        for (const char* name : {"PMS_API_DATABASE_URL", "PMS_JWT_SECRET", "PMS_API_LISTEN",
                                 "PMS_API_LISTEN_PUBLIC", "LISTEN_PID", "LISTEN_FDS"}) {
            unsetenv(name);
        }
    }

    static pms::api::ApiConfig config() {
        return pms::api::ApiConfig::from(pms::Config(pms::kApi));
    }
};

TEST_F(ApiConfigListen, PublicAddressIsRefusedUnlessAllowed) {
    setenv("PMS_API_LISTEN", "0.0.0.0:9000", 1);
    EXPECT_THROW(config(), ConfigError);
    setenv("PMS_API_LISTEN_PUBLIC", "yes", 1);
    EXPECT_THROW(config(), ConfigError);
    setenv("PMS_API_LISTEN_PUBLIC", "1", 1);
    const pms::api::ApiConfig allowed = config();
    EXPECT_TRUE(allowed.listen_public);
    EXPECT_EQ(allowed.listen, "0.0.0.0:9000");
}

TEST_F(ApiConfigListen, SocketActivationIgnoresTheAddress) {
    setenv("PMS_API_LISTEN", "0.0.0.0:9000", 1);
    setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
    setenv("LISTEN_FDS", "1", 1);
    EXPECT_NO_THROW(config());
}

class UnixListenSocket : public ::testing::Test {
protected:
    void SetUp() override {
        char folder[] = "/tmp/pms-listen-socket-test.XXXXXX";
        ASSERT_NE(mkdtemp(folder), nullptr);
        folder_ = folder;
    }
    void TearDown() override {
        unlink(path().c_str());
        rmdir(folder_.c_str());
    }
    std::string path() const { return folder_ + "/api.sock"; }

    std::string folder_;
};

TEST_F(UnixListenSocket, ModeIs0660WhateverTheUmask) {
    for (const mode_t mask : {0000, 0002, 0022, 0077}) {
        const mode_t previous = umask(mask);
        const pms::api::ListenSocket socket = pms::api::open_listen_socket("unix:" + path());
        umask(previous);
        ASSERT_GE(socket.fd, 0);
        EXPECT_EQ(socket.unix_path, path());
        struct stat status {};
        ASSERT_EQ(lstat(path().c_str(), &status), 0);
        EXPECT_TRUE(S_ISSOCK(status.st_mode));
        EXPECT_EQ(status.st_mode & 07777, 0660U) << "umask " << std::oct << mask;
        close(socket.fd);
        unlink(path().c_str());
    }
}

}  // namespace
