#pragma once
/// The consuming loop, on the one thread that talks to RabbitMQ (rabbitmq-c connections are not
/// thread-safe): deliveries of pms.images.process go to the worker pool, and what becomes of each
/// job comes back here to be acked, retried through the delay queue or dead-lettered. Also the
/// broker connection's life (topology, prefetch, reconnection with backoff), systemd's readiness
/// and watchdog, and the graceful stop.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "common/systemd_notify.hpp"
#include "worker/amqp/amqp.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/retry_publisher.hpp"
#include "worker/pipeline/worker_pool.hpp"

namespace pms::worker {

struct ConsumerSettings {
    std::string amqp_url;
    bool quorum = false;
    uint16_t prefetch = 1;
    std::chrono::milliseconds timeout{10000};  ///< connect and RPC timeout
};

/// What the consumer does with a delivery after its job.
enum class Disposition { kAck, kRetryThenAck, kDeadLetter };

/// Completed and skipped jobs are acked; failed ones (permanent, or out of attempts) are rejected
/// without requeue so the work queue dead-letters them to pms.images.dead; transient ones go to the
/// delay queue first (docs/architecture.md, "Messages").
Disposition disposition_of(JobOutcome::Kind kind);

class Consumer {
public:
    Consumer(ConsumerSettings settings, WorkerPool& pool, RetryPublisher& publisher,
             const std::atomic<bool>& stop);

    /// Consumes until `stop` is set, reconnecting to the broker with backoff when it goes away;
    /// then lets the jobs in flight finish (a job waiting for PostgreSQL gives up at once), settles
    /// them, and closes the connection, which hands every unsettled delivery back to the queue.
    void run();

private:
    void connect();
    void disconnect();
    /// Serves deliveries until stop is set; throws amqp::Error when the connection fails.
    void serve();
    /// Parses a delivery into the backlog, or dead-letters it when malformed.
    void accept(amqp::Delivery delivery);
    /// Hands backlog deliveries to idle worker threads.
    void dispatch();
    void settle_finished();
    void settle(const Finished& finished);
    /// After a stop request: waits for the jobs in flight, settling them, keeping the
    /// connection alive meanwhile.
    void drain();

    ConsumerSettings settings_;
    WorkerPool& pool_;
    RetryPublisher& publisher_;
    const std::atomic<bool>& stop_;
    std::unique_ptr<amqp::Connection> connection_;
    /// Counts connections: a delivery tag is only valid on the connection it came with.
    uint64_t connection_id_ = 0;
    /// Deliveries waiting for a worker thread (at most the prefetch window).
    std::deque<Task> backlog_;
    systemd::Watchdog watchdog_;
    bool ready_ = false;
};

}  // namespace pms::worker
