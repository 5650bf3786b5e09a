/// Lanes: a batch's work runs on several lanes at once, and each answer is handed back to the
/// calling thread as soon as its lane is done.
#include "fcgi/lanes.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace pms::api {
namespace {

ApiConfig config_with(int lanes) {
    ApiConfig config;
    config.database_connections = lanes;
    // Nothing connects: the lanes' connections open on first use, and this work uses none.
    config.database_url = "postgresql:///unused";
    config.redis_url = "unix:/nonexistent/redis.sock";
    return config;
}

/// Work items that each wait until `expected` of them are running at once (or give up after a
/// while, recording that they did not meet).
struct Rendezvous {
    explicit Rendezvous(int expected) : expected(expected) {}

    bool meet() {
        std::unique_lock lock(mutex);
        ++arrived;
        changed.notify_all();
        return changed.wait_for(lock, std::chrono::seconds(5), [&] { return arrived >= expected; });
    }

    const int expected;
    int arrived = 0;
    std::mutex mutex;
    std::condition_variable changed;
};

TEST(Lanes, RunsAsManyWorkItemsAtOnceAsThereAreLanes) {
    Metrics metrics = Metrics::create_shared();
    Lanes lanes(config_with(4), metrics);
    Rendezvous rendezvous(4);
    std::vector<int> met(4, 0);
    std::vector<size_t> done;
    lanes.run(
        4, [&](Context&, size_t i) { met[i] = rendezvous.meet() ? 1 : 0; },
        [&](size_t i) { done.push_back(i); });
    EXPECT_EQ(met, (std::vector<int>{1, 1, 1, 1})) << "the four items never ran at the same time";
    EXPECT_EQ(done.size(), 4U);
}

TEST(Lanes, HandsBackEachItemOnTheCallingThreadAsItFinishes) {
    Metrics metrics = Metrics::create_shared();
    Lanes lanes(config_with(2), metrics);
    std::mutex mutex;
    std::condition_variable changed;
    bool quick_reported = false;
    bool slow_saw_quick_reported = false;
    std::vector<size_t> done;
    std::vector<std::thread::id> done_threads;
    lanes.run(
        2,
        [&](Context&, size_t i) {
            if (i == 0) {
                // The slow item waits until the quick one has been handed back.
                std::unique_lock lock(mutex);
                slow_saw_quick_reported =
                    changed.wait_for(lock, std::chrono::seconds(5), [&] { return quick_reported; });
            }
        },
        [&](size_t i) {
            done.push_back(i);
            done_threads.push_back(std::this_thread::get_id());
            const std::lock_guard lock(mutex);
            quick_reported = quick_reported || i == 1;
            changed.notify_all();
        });
    EXPECT_TRUE(slow_saw_quick_reported) << "the quick item waited for the slow one";
    EXPECT_EQ(done, (std::vector<size_t>{1, 0}));
    for (const std::thread::id id : done_threads) {
        EXPECT_EQ(id, std::this_thread::get_id());
    }
}

TEST(Lanes, RunsMoreItemsThanLanesAndCanBeUsedAgain) {
    Metrics metrics = Metrics::create_shared();
    Lanes lanes(config_with(2), metrics);
    for (int batch = 0; batch < 3; ++batch) {
        std::vector<int> ran(10, 0);
        size_t done = 0;
        lanes.run(
            ran.size(), [&](Context&, size_t i) { ++ran[i]; }, [&](size_t) { ++done; });
        EXPECT_EQ(ran, std::vector<int>(10, 1));
        EXPECT_EQ(done, 10U);
    }
}

}  // namespace
}  // namespace pms::api
