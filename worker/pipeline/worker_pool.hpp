#pragma once
/// The threads that run jobs: PMS_WORKER_CONCURRENCY of them, each with its own job context (its
/// PostgreSQL connection and curl handles, built on that thread). The consumer thread, which
/// alone talks to RabbitMQ (rabbitmq-c connections are not thread-safe), hands them deliveries and
/// takes back what became of each.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "worker/amqp/amqp.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/job_message.hpp"

namespace pms::worker {

/// One delivery to run: what the consumer needs back to settle its message.
struct Task {
    uint64_t delivery_tag = 0;
    /// The broker connection the delivery came on: a tag means nothing on another one.
    uint64_t connection = 0;
    amqp::Message message;
    JobMessage job;
    int attempt = 1;
};

/// What became of a task.
struct Finished {
    enum class Kind {
        kOutcome,      ///< the job ran: `outcome` decides the message's fate
        kInterrupted,  ///< the worker stopped while the job waited: hand the message back
        kUnrecorded,   ///< even the failure could not be recorded: dead-letter for an operator
    };
    Task task;
    Kind kind = Kind::kOutcome;
    JobOutcome outcome;
    std::string error;  ///< kUnrecorded
};

/// Runs one job on a worker thread (JobRunner::run, over that thread's own connections).
using JobFunction = std::function<JobOutcome(const JobMessage& job, int attempt)>;
/// Builds a thread's JobFunction on that thread; may wait (e.g. for PostgreSQL) and may throw
/// Interrupted when the worker stops meanwhile.
using JobFunctionFactory = std::function<JobFunction()>;

class WorkerPool {
public:
    WorkerPool(int threads, const JobFunctionFactory& factory);
    /// Waits for the running jobs, then joins the threads.
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Threads ready for a task (built, and not running one).
    int idle() const;
    /// Tasks submitted and not yet taken back with take_finished().
    int in_flight() const;
    /// Hands a task to an idle thread; only call when idle() > 0.
    void submit(Task task);
    /// What finished since the last call, oldest first; never waits.
    std::vector<Finished> take_finished();

private:
    void work(const JobFunctionFactory& factory);

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Task> tasks_;
    std::vector<Finished> finished_;
    int idle_ = 0;
    int in_flight_ = 0;
    bool closing_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace pms::worker
