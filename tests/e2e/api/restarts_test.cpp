/// Redis and PostgreSQL restarted while the API is under load: no 500s ever, 503 only while
/// PostgreSQL is down, and everything served again once they are back; Redis closing pms-api's
/// connections costs no request.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/redis.hpp"
#include "tests/e2e/api/api_processes.hpp"
#include "tests/e2e/api/load.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// Cached reads, uncached reads (a product updated by every PUT) and writes.
std::vector<LoadRequest> mixed_requests() {
    const long long user = create_user(unique("restarts"));
    const HttpResponse created =
        post_json(api_url() + "/api/v1/products",
                  "{\"user_id\": " + std::to_string(user) +
                      ", \"product_name\": \"Steady\", \"product_price\": 1}");
    EXPECT_EQ(created.status, 201);
    const std::string cached = api_url() + created.header("location");
    get(cached);
    const std::string body = "{\"user_id\": " + std::to_string(user) +
                             ", \"product_name\": \"Written under load\", \"product_price\": 1}";
    return {
        {"GET cached", [cached] { return request("GET", cached, "", "", {}, false); }},
        {"POST product",
         [body] {
             return request("POST", api_url() + "/api/v1/products", body, "application/json", {},
                            false);
         }},
        {"GET list",
         [user] {
             return request("GET",
                            api_url() + "/api/v1/products?limit=5&user_id=" + std::to_string(user),
                            "", "", {}, false);
         }},
    };
}

bool ok(long status) {
    return status == 200 || status == 201;
}

TEST(DependencyRestarts, RedisDownCostsNothingButTheCache) {
    Load load(mixed_requests(), 3);
    std::this_thread::sleep_for(milliseconds(500));
    stack_control("stop", "redis");
    std::this_thread::sleep_for(milliseconds(1500));
    const HttpResponse health = request("GET", api_url() + "/health", "", "", {}, false);
    stack_control("start", "redis");
    std::this_thread::sleep_for(milliseconds(1500));
    const std::vector<Answer> answers = load.stop();

    EXPECT_EQ(health.status, 503) << "/health must name what is down";
    EXPECT_NE(health.body.find("redis"), std::string::npos) << health.body;
    ASSERT_GT(answers.size(), 20U);
    for (const Answer& answer : answers) {
        EXPECT_TRUE(ok(answer.status))
            << answer.what << " answered " << answer.status << ": " << answer.detail;
    }
    EXPECT_TRUE(wait_until_healthy(seconds(10)));
}

// Redis closing pms-api's connections (a restart that took less than a request's gap, its idle
// `timeout`, an operator's CLIENT KILL) costs no request: each is found closed before it is used,
// and replaced at once.
TEST(DependencyRestarts, ConnectionsRedisClosedAreReplacedBeforeTheirNextUse) {
    ASSERT_TRUE(wait_until_healthy(seconds(10)));
    const long long user = create_user(unique("closed"));
    for (int i = 0; i < 8; ++i) {
        ASSERT_EQ(get(api_url() + "/health").status, 200);  // every lane has its connection
        // A page missed and stored without waiting for Redis's answer (send_unanswered): that
        // answer is still unread on the connection when Redis closes it, ahead of its end.
        ASSERT_EQ(get(api_url() + "/api/v1/products?user_id=" + std::to_string(user) +
                      "&limit=" + std::to_string(i + 1))
                      .status,
                  200);
    }
    redis::Connection admin(redis::Endpoint::parse(setting("PMS_REDIS_URL")), seconds(5));
    ASSERT_GT(admin.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).integer(), 0);
    std::this_thread::sleep_for(milliseconds(100));  // the connections' ends have arrived
    for (int i = 0; i < 16; ++i) {
        const HttpResponse health = get(api_url() + "/health");
        EXPECT_EQ(health.status, 200) << health.body;
    }
}

TEST(DependencyRestarts, PostgresDownMeans503OnlyWhileItIsDown) {
    Load load(mixed_requests(), 3);
    std::this_thread::sleep_for(milliseconds(500));
    const auto stopping = Clock::now();
    stack_control("stop", "postgres");
    std::this_thread::sleep_for(milliseconds(1500));
    const HttpResponse health = request("GET", api_url() + "/health", "", "", {}, false);
    stack_control("start", "postgres");
    const auto started = Clock::now();
    std::this_thread::sleep_for(milliseconds(2000));
    const std::vector<Answer> answers = load.stop();

    EXPECT_EQ(health.status, 503);
    EXPECT_NE(health.body.find("postgresql"), std::string::npos) << health.body;
    size_t unavailable = 0;
    size_t served_after = 0;
    for (const Answer& answer : answers) {
        if (answer.status == 503) {
            ++unavailable;
            EXPECT_TRUE(answer.at >= stopping && answer.at <= started + milliseconds(200))
                << answer.what << " answered 503 outside the outage";
        } else {
            EXPECT_TRUE(ok(answer.status))
                << answer.what << " answered " << answer.status << ": " << answer.detail;
        }
        served_after += answer.at > started + milliseconds(500) && ok(answer.status) ? 1 : 0;
    }
    EXPECT_GT(unavailable, 0U) << "writes during the outage should have been refused with 503";
    EXPECT_GT(served_after, 10U) << "the API did not recover after PostgreSQL came back";
    EXPECT_TRUE(wait_until_healthy(seconds(30)));
}

}  // namespace
}  // namespace pms::e2e
