/// What an operator relies on: systemd hears READY=1, WATCHDOG=1 and STOPPING=1; the backlog
/// and the publish rate can be read in the log and from the database (api.outbox_backlog).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "common/json.hpp"
#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
public:
    NotifySocket() : path_("/tmp/pms-bridge-e2e-notify-" + std::to_string(getpid())) {
        unlink(path_.c_str());
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
        EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    }
    ~NotifySocket() {
        close(fd_);
        unlink(path_.c_str());
    }
    const std::string& path() const { return path_; }

    /// The next message within `timeout`, or "".
    std::string next(milliseconds timeout) {
        timeval tv{timeout.count() / 1000, static_cast<suseconds_t>(timeout.count() % 1000) * 1000};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buffer[512];
        const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
    }

private:
    std::string path_;
    int fd_ = -1;
};

TEST(Operations, TellsSystemdWhenReadyAliveAndStopping) {
    NotifySocket systemd;
    // WATCHDOG_USEC 400 ms: the bridge must ping every 200 ms (half of it).
    auto bridge = start_bridge({{"NOTIFY_SOCKET", systemd.path()}, {"WATCHDOG_USEC", "400000"}});
    std::vector<std::string> messages;
    const auto ready_by = Clock::now() + seconds(30);
    while (Clock::now() < ready_by) {
        const std::string message = systemd.next(milliseconds(500));
        if (!message.empty()) {
            messages.push_back(message);
        }
        if (message.rfind("READY=1", 0) == 0) {
            break;
        }
    }
    ASSERT_FALSE(messages.empty());
    ASSERT_EQ(messages.back().rfind("READY=1", 0), 0U) << bridge->log();

    // Idle, it keeps pinging.
    int pings = 0;
    const auto watch_until = Clock::now() + milliseconds(1500);
    while (Clock::now() < watch_until) {
        if (systemd.next(milliseconds(300)) == "WATCHDOG=1") {
            ++pings;
        }
    }
    EXPECT_GE(pings, 4) << "WATCHDOG=1 about every 200 ms expected over 1.5 s";

    bridge->signal(SIGTERM);
    bool stopping = false;
    const auto stop_by = Clock::now() + seconds(10);
    while (!stopping && Clock::now() < stop_by) {
        stopping = systemd.next(milliseconds(500)) == "STOPPING=1";
    }
    EXPECT_TRUE(stopping);
    const auto status = bridge->wait(seconds(10));
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << bridge->log();
}

Json::Value backlog() {
    auto db = owner_connection();
    pqxx::read_transaction transaction(*db);
    return *json::parse_strict(
        transaction.exec1("select api.outbox_backlog()::text")[0].as<std::string>(), nullptr);
}

const Json::Value& topic(const Json::Value& backlog, const std::string& name) {
    for (const Json::Value& entry : backlog["topics"]) {
        if (entry["topic"].asString() == name) {
            return entry;
        }
    }
    static const Json::Value none;
    ADD_FAILURE() << name << " missing in " << backlog;
    return none;
}

TEST(Operations, BacklogAndPublishRateAreInTheLogAndTheDatabase) {
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(10)));
    const int64_t user = create_user(*owner_connection(), e2e::unique("bridge-backlog"));
    // No bridge runs: the events wait, and the database says how many and since when.
    create_products(user, 40, 2, 40, milliseconds(0), Clock::now() + seconds(30));
    std::this_thread::sleep_for(milliseconds(200));
    const Json::Value waiting = backlog();
    EXPECT_EQ(topic(waiting, "image.process")["rows"].asInt(), 80) << waiting;
    EXPECT_GE(topic(waiting, "image.process")["oldest_age_s"].asDouble(), 0.2) << waiting;
    // One per create: the seller's cached pages of products changed.
    EXPECT_EQ(topic(waiting, "cache.invalidate")["rows"].asInt(), 40) << waiting;

    auto bridge = start_bridge({{"PMS_BRIDGE_STATS_INTERVAL", "1"}});
    ASSERT_TRUE(wait_outbox_empty(Clock::now() + seconds(30)));
    // Within a stats interval or two, the bridge reports what it published.
    Json::Value reported;
    const auto deadline = Clock::now() + seconds(10);
    while (Clock::now() < deadline) {
        reported = backlog();
        const Json::Value& bridges = reported["bridges"];
        if (bridges.size() == 1 && bridges[0]["published"].asInt() >= 80) {
            break;
        }
        std::this_thread::sleep_for(milliseconds(200));
    }
    ASSERT_EQ(reported["bridges"].size(), 1U) << reported;
    const Json::Value& mine = reported["bridges"][0];
    EXPECT_EQ(mine["backend_pid"].asInt() > 0, true) << reported;
    EXPECT_EQ(mine["application_name"].asString(), "pms-bridge") << reported;
    EXPECT_GE(mine["published"].asInt(), 80) << reported;
    EXPECT_TRUE(mine["idle"].asBool()) << "a drained bridge waits for a NOTIFY: " << reported;
    EXPECT_EQ(topic(reported, "image.process")["rows"].asInt(), 0) << reported;
    EXPECT_TRUE(topic(reported, "image.process")["oldest_age_s"].isNull()) << reported;

    // The log says the same, once per interval.
    EXPECT_TRUE(bridge->wait_for_log("\"message\":\"outbox status\"", seconds(5))) << bridge->log();
    EXPECT_NE(bridge->log().find("\"published_per_s\":"), std::string::npos);
    EXPECT_NE(bridge->log().find("\"waiting_image_process\":"), std::string::npos);
    read_work_queue(Clock::now() + seconds(20));  // leave the queue empty
}

}  // namespace
}  // namespace pms::bridge_e2e
