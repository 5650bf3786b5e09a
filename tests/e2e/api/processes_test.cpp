/// The pre-fork master under signals: a killed child is replaced, SIGHUP replaces the children
/// without failing a request, SIGTERM lets the request in flight finish.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <thread>

#include "tests/e2e/api/api_processes.hpp"
#include "tests/e2e/api/load.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string new_product_body(long long user) {
    return "{\"user_id\": " + std::to_string(user) +
           ", \"product_name\": \"Under load\", \"product_price\": 2}";
}

// What the master owns when it forks is what every child inherits: no threads, and of sockets
// only the listening one (each child opens its own PostgreSQL and Redis connections).
TEST(ApiProcesses, TheMasterHoldsNoThreadsAndNoConnections) {
    const pid_t master = api_master_pid();
    ASSERT_NE(master, 0);
    const std::string proc = "/proc/" + std::to_string(master);
    int threads = 0;
    int sockets = 0;
    for (const auto& entry : std::filesystem::directory_iterator(proc + "/task")) {
        (void)entry;
        ++threads;
    }
    for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd")) {
        std::error_code error;
        const auto target = std::filesystem::read_symlink(entry.path(), error);
        sockets += !error && target.string().rfind("socket:", 0) == 0 ? 1 : 0;
    }
    EXPECT_EQ(threads, 1);
    EXPECT_EQ(sockets, 1) << "the master should hold the listening socket and nothing else";
}

TEST(ApiProcesses, AKilledChildIsReplaced) {
    const pid_t master = api_master_pid();
    ASSERT_NE(master, 0) << "pms-api is not running";
    const std::vector<pid_t> before = api_children(master);
    ASSERT_EQ(before.size(), configured_children());

    ASSERT_EQ(kill(before.front(), SIGKILL), 0);
    EXPECT_TRUE(eventually(
        [&] {
            const auto now = api_children(master);
            return now.size() == configured_children() &&
                   std::find(now.begin(), now.end(), before.front()) == now.end();
        },
        milliseconds(5000)))
        << "the killed child was not replaced";
    EXPECT_EQ(get(api_url() + "/health").status, 200);
}

TEST(ApiProcesses, SighupReplacesEveryChildWithoutFailingARequest) {
    const pid_t master = api_master_pid();
    ASSERT_NE(master, 0);
    const long long user = create_user(unique("sighup"));
    Load load(
        {{"GET /health", [] { return request("GET", api_url() + "/health", "", "", {}, false); }},
         {"POST product",
          [user] {
              return request("POST", api_url() + "/api/v1/products", new_product_body(user),
                             "application/json", {}, false);
          }}},
        3);
    std::this_thread::sleep_for(milliseconds(300));
    const bool replaced = reload_children(master, milliseconds(20000));
    std::this_thread::sleep_for(milliseconds(300));
    const std::vector<Answer> answers = load.stop();

    EXPECT_TRUE(replaced) << "not every child was replaced";
    ASSERT_GT(answers.size(), 20U);
    for (const Answer& answer : answers) {
        EXPECT_TRUE(answer.status == 200 || answer.status == 201)
            << answer.what << " answered " << answer.status << ": " << answer.detail;
    }
}

// Last in this file: it stops pms-api, then starts it again for the suites that follow.
TEST(ApiProcesses, SigtermLetsTheRequestInFlightFinish) {
    const pid_t master = api_master_pid();
    ASSERT_NE(master, 0);
    const long long user = create_user(unique("sigterm"));
    const HttpResponse created = post_json(api_url() + "/api/v1/products", new_product_body(user));
    ASSERT_EQ(created.status, 201);
    const std::string url = api_url() + created.header("location");

    // Hold the product's row, so that the PUT below waits inside PostgreSQL: a request in flight.
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::work hold(connection);
    hold.exec_params("select 1 from pms.products where id = $1 for update",
                     created.json()["id"].asString());
    HttpResponse in_flight;
    std::thread put([&] {
        in_flight = request("PUT", url, R"({"product_name": "Finished", "product_price": 3})",
                            "application/json", {}, false);
    });
    std::this_thread::sleep_for(milliseconds(500));

    ASSERT_EQ(kill(master, SIGTERM), 0);
    // While the children drain, a request is served on a connection nginx kept open, or
    // refused at once (502) when nginx needs a new one: never cut off, never a 500 or 504.
    Load during(
        {{"GET /health", [] { return request("GET", api_url() + "/health", "", "", {}, false); }}},
        1);
    std::this_thread::sleep_for(milliseconds(500));
    EXPECT_EQ(kill(master, 0), 0) << "the master left before its child finished the request";

    hold.commit();
    put.join();
    EXPECT_EQ(in_flight.status, 200)
        << in_flight.status << " " << in_flight.body << in_flight.transfer_error;
    EXPECT_EQ(in_flight.json()["product_name"].asString(), "Finished");
    // nginx closes idle kept connections after 2 s (keepalive_timeout), then the children leave.
    EXPECT_TRUE(eventually([&] { return kill(master, 0) != 0; }, milliseconds(15000)))
        << "the master did not exit after its children finished";
    for (const Answer& answer : during.stop()) {
        EXPECT_TRUE(answer.status == 200 || answer.status == 502)
            << answer.what << " answered " << answer.status << " while pms-api stopped";
    }

    stack_control("start", "pms-api");
    EXPECT_TRUE(wait_until_healthy(seconds(30)));
}

}  // namespace
}  // namespace pms::e2e
