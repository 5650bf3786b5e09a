/// A PMS_AMQP_URL that lists a cluster's nodes: each is tried in turn, and when none lets us in
/// the error says why each failed. Loopback ports nothing listens on; no broker needed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "worker/amqp/amqp.hpp"

namespace pms::amqp {
namespace {

/// A loopback port that refuses connections: bound once to learn a free one, then closed.
int closed_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);
    return ntohs(address.sin_port);
}

TEST(AmqpUrls, EveryNodeOfTheListIsTriedAndEachFailureNamed) {
    const std::string first = std::to_string(closed_port());
    const std::string second = std::to_string(closed_port());
    const std::string urls = "amqp://guest:guest@127.0.0.1:" + first +
                             "/%2f,amqp://guest:guest@127.0.0.1:" + second + "/%2f";
    try {
        Connection connection(urls, std::chrono::milliseconds(500));
        FAIL() << "connected to a port nothing listens on";
    } catch (const Error& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("connect to 127.0.0.1:" + first), std::string::npos) << what;
        EXPECT_NE(what.find("connect to 127.0.0.1:" + second), std::string::npos) << what;
    }
}

TEST(AmqpUrls, AMalformedEntryIsReportedWithTheOthers) {
    const std::string port = std::to_string(closed_port());
    try {
        Connection connection("http://nowhere,amqp://guest:guest@127.0.0.1:" + port + "/%2f",
                              std::chrono::milliseconds(500));
        FAIL() << "connected";
    } catch (const Error& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("cannot parse URL"), std::string::npos) << what;
        EXPECT_NE(what.find("connect to 127.0.0.1:" + port), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace pms::amqp
