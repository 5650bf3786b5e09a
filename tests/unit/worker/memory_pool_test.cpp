/// The worker's shared decode budget: what fits is granted at once, what does not waits for a
/// release, turns are kept in order, and a reservation gives its bytes back however it ends.
#include "worker/pipeline/memory_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace pms::worker {
namespace {

using namespace std::chrono_literals;

/// Spins (bounded) until `done()`; false when it never became true.
template <typename Predicate>
bool eventually(Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

TEST(MemoryPool, GrantsWhatFitsAndTakesItBackWhenReleased) {
    MemoryPool pool(100);
    {
        MemoryPool::Reservation a = pool.reserve(60);
        MemoryPool::Reservation b = pool.reserve(40);
        EXPECT_EQ(pool.in_use(), 100);
        MemoryPool::Reservation moved = std::move(a);
        // The moved-from reservation must hold nothing, or both would give the bytes back.
        EXPECT_EQ(a.bytes(), 0);  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
        EXPECT_EQ(moved.bytes(), 60);
        EXPECT_EQ(pool.in_use(), 100);
        b = MemoryPool::Reservation();
        EXPECT_EQ(pool.in_use(), 60);
    }
    EXPECT_EQ(pool.in_use(), 0);
}

TEST(MemoryPool, RefusesMoreThanItHolds) {
    MemoryPool pool(100);
    EXPECT_THROW(pool.reserve(101), std::invalid_argument);
    EXPECT_EQ(pool.waiting(), 0);
}

TEST(MemoryPool, AJobWaitsUntilAnotherReleases) {
    MemoryPool pool(100);
    auto first = std::make_unique<MemoryPool::Reservation>(pool.reserve(70));
    std::atomic<bool> granted{false};
    std::thread second([&] {
        MemoryPool::Reservation r = pool.reserve(50);
        granted = true;
    });
    ASSERT_TRUE(eventually([&] { return pool.waiting() == 1; }));
    EXPECT_FALSE(granted);
    first.reset();
    second.join();
    EXPECT_TRUE(granted);
    EXPECT_EQ(pool.in_use(), 0);
}

TEST(MemoryPool, ALargeRequestIsNotOvertakenBySmallOnes) {
    MemoryPool pool(100);
    auto held = std::make_unique<MemoryPool::Reservation>(pool.reserve(60));
    std::vector<int> order;
    std::mutex order_mutex;
    auto take = [&](int64_t bytes, int name) {
        MemoryPool::Reservation r = pool.reserve(bytes);
        std::lock_guard<std::mutex> lock(order_mutex);
        order.push_back(name);
    };
    // 90 cannot fit beside the 60 held; 10 could, but asked later, so it waits its turn.
    std::thread large(take, 90, 1);
    ASSERT_TRUE(eventually([&] { return pool.waiting() == 1; }));
    std::thread small(take, 10, 2);
    ASSERT_TRUE(eventually([&] { return pool.waiting() == 2; }));
    EXPECT_TRUE(order.empty());
    held.reset();
    large.join();
    small.join();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(MemoryPool, SeveralWaitersFittingTogetherAreAllGranted) {
    MemoryPool pool(100);
    auto held = std::make_unique<MemoryPool::Reservation>(pool.reserve(100));
    std::atomic<int> holding{0};
    std::atomic<bool> release{false};
    std::vector<std::thread> jobs;
    jobs.reserve(4);
    for (int i = 0; i < 4; ++i) {
        jobs.emplace_back([&] {
            MemoryPool::Reservation r = pool.reserve(25);
            ++holding;
            eventually([&] { return release.load(); });
        });
    }
    ASSERT_TRUE(eventually([&] { return pool.waiting() == 4; }));
    held.reset();
    // One release lets every waiter that fits in: the four share the whole pool at once.
    EXPECT_TRUE(eventually([&] { return holding == 4; }));
    EXPECT_EQ(pool.in_use(), 100);
    release = true;
    for (std::thread& job : jobs) {
        job.join();
    }
    EXPECT_EQ(pool.in_use(), 0);
}

}  // namespace
}  // namespace pms::worker
