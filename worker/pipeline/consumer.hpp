#pragma once
/// The consuming loop: deliveries of pms.images.process → job → ack, retry or dead-letter; and
/// the broker connection's life (topology, prefetch, reconnection with backoff, graceful stop).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "common/amqp.hpp"
#include "worker/pipeline/job.hpp"
#include "worker/pipeline/retry_publisher.hpp"

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
/// without requeue so the work queue dead-letters them to pms.images.dead (DESIGN.md); transient
/// ones go to the delay queue first.
Disposition disposition_of(JobOutcome::Kind kind);

class Consumer {
public:
    Consumer(ConsumerSettings settings, JobRunner& runner, RetryPublisher& publisher,
             const std::atomic<bool>& stop);

    /// Consumes until `stop` is set; reconnects to the broker with backoff when it goes away.
    void run();

    /// Waits up to `duration` while a job waits (e.g. for PostgreSQL), keeping the broker
    /// connection alive (heartbeats) and keeping deliveries that arrive meanwhile for later.
    /// Returns false when the worker is stopping.
    bool pause(std::chrono::milliseconds duration);

    /// Services the broker connection once without waiting (heartbeats, deliveries kept for
    /// later): called during long transfers.
    void keep_alive();

private:
    void connect();
    void disconnect();
    /// Serves deliveries until stop is set; throws amqp::Error when the connection fails.
    void serve();
    void handle(const amqp::Delivery& delivery);
    void dead_letter(const amqp::Delivery& delivery);
    /// Waits up to `slice` on the broker connection while a job runs; marks it lost on error.
    void pump(std::chrono::milliseconds slice);

    ConsumerSettings settings_;
    JobRunner& runner_;
    RetryPublisher& publisher_;
    const std::atomic<bool>& stop_;
    std::unique_ptr<amqp::Connection> connection_;
    /// Deliveries received while a job paused, served before new ones.
    std::deque<amqp::Delivery> backlog_;
    /// The connection failed during a pause; serve() reconnects after the job.
    bool connection_lost_ = false;
};

}  // namespace pms::worker
