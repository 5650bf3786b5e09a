/// The worker threads: jobs run concurrently, each thread on its own context, and every task
/// comes back exactly once with what became of it.
#include "worker/pipeline/worker_pool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "worker/pipeline/failure.hpp"

namespace pms::worker {
namespace {

using namespace std::chrono_literals;

Task task_for(int64_t job_id) {
    Task task;
    task.delivery_tag = static_cast<uint64_t>(job_id);
    task.job.job_id = job_id;
    return task;
}

/// Collects `count` finished tasks (bounded wait).
std::vector<Finished> wait_for(WorkerPool& pool, size_t count) {
    std::vector<Finished> all;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
        for (Finished& f : pool.take_finished()) {
            all.push_back(std::move(f));
        }
        std::this_thread::sleep_for(1ms);
    }
    return all;
}

void wait_until_idle(WorkerPool& pool, int threads) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (pool.idle() < threads && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(pool.idle(), threads);
}

TEST(WorkerPool, RunsJobsAtOnceOnSeparateContexts) {
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::mutex mutex;
    std::set<std::thread::id> context_threads;
    WorkerPool pool(3, [&]() -> JobFunction {
        {
            const std::lock_guard<std::mutex> lock(mutex);
            context_threads.insert(std::this_thread::get_id());
        }
        const auto built_on = std::this_thread::get_id();
        return [&, built_on](const JobMessage& job, int attempt) {
            EXPECT_EQ(std::this_thread::get_id(), built_on) << "a context stays on its thread";
            // Each job waits (bounded) for the others to be running too: three at once proves
            // the concurrency without depending on how fast threads start on a loaded machine.
            ++running;
            const auto deadline = std::chrono::steady_clock::now() + 5s;
            while (running.load() < 3 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(1ms);
            }
            int seen = running.load();
            int previous = most.load();
            while (previous < seen && !most.compare_exchange_weak(previous, seen)) {
            }
            std::this_thread::sleep_for(10ms);
            --running;
            JobOutcome outcome;
            outcome.detail = std::to_string(job.job_id) + "/" + std::to_string(attempt);
            return outcome;
        };
    });
    wait_until_idle(pool, 3);
    for (int i = 1; i <= 3; ++i) {
        Task task = task_for(i);
        task.attempt = 2;
        pool.submit(std::move(task));
    }
    EXPECT_EQ(pool.idle(), 0);
    EXPECT_EQ(pool.in_flight(), 3);
    const std::vector<Finished> done = wait_for(pool, 3);
    ASSERT_EQ(done.size(), 3U);
    std::set<std::string> details;
    for (const Finished& f : done) {
        EXPECT_EQ(f.kind, Finished::Kind::kOutcome);
        EXPECT_EQ(f.task.delivery_tag, static_cast<uint64_t>(f.task.job.job_id));
        details.insert(f.outcome.detail);
    }
    EXPECT_EQ(details, (std::set<std::string>{"1/2", "2/2", "3/2"}));
    EXPECT_EQ(most.load(), 3);
    EXPECT_EQ(context_threads.size(), 3U);
    EXPECT_EQ(pool.in_flight(), 0);
    EXPECT_EQ(pool.idle(), 3);
}

TEST(WorkerPool, InterruptionsAndUnrecordableJobsComeBackAsSuch) {
    WorkerPool pool(1, []() -> JobFunction {
        return [](const JobMessage& job, int) -> JobOutcome {
            if (job.job_id == 1) {
                throw Interrupted();
            }
            throw std::runtime_error("api.fail_image_job raised");
        };
    });
    wait_until_idle(pool, 1);
    pool.submit(task_for(1));
    const std::vector<Finished> first = wait_for(pool, 1);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].kind, Finished::Kind::kInterrupted);
    pool.submit(task_for(2));
    const std::vector<Finished> second = wait_for(pool, 1);
    ASSERT_EQ(second.size(), 1U);
    EXPECT_EQ(second[0].kind, Finished::Kind::kUnrecorded);
    EXPECT_EQ(second[0].error, "api.fail_image_job raised");
}

TEST(WorkerPool, AThreadThatCannotStartNeverTakesATask) {
    std::atomic<int> built{0};
    WorkerPool pool(2, [&]() -> JobFunction {
        if (built++ == 0) {
            throw Interrupted();  // e.g. stopped while waiting for PostgreSQL
        }
        return [](const JobMessage&, int) { return JobOutcome{}; };
    });
    wait_until_idle(pool, 1);
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(pool.idle(), 1);
}

TEST(WorkerPool, DestructionWaitsForTheJobsInFlight) {
    std::atomic<bool> finished{false};
    {
        WorkerPool pool(1, [&]() -> JobFunction {
            return [&](const JobMessage&, int) {
                std::this_thread::sleep_for(100ms);
                finished = true;
                return JobOutcome{};
            };
        });
        wait_until_idle(pool, 1);
        pool.submit(task_for(1));
    }
    EXPECT_TRUE(finished.load());
}

}  // namespace
}  // namespace pms::worker
