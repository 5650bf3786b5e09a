/// The delivery loop and the broker connection of pms-worker.
#include "worker/pipeline/consumer.hpp"

#include <thread>

#include "common/log.hpp"
#include "common/systemd_notify.hpp"
#include "worker/amqp/amqp_topology.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/job_message.hpp"
#include "worker/pipeline/reconnect.hpp"

namespace pms::worker {

namespace {

/// How long one wait for a delivery lasts when no job runs: the stop flag is checked at least
/// this often.
constexpr std::chrono::milliseconds kIdlePoll{500};
/// The same while jobs run: how late a finished job's ack can be.
constexpr std::chrono::milliseconds kBusyPoll{10};

/// The start of a body for the log, so a huge malformed message does not flood it.
std::string excerpt(const std::string& body) {
    constexpr size_t kMax = 200;
    return body.size() <= kMax ? body : body.substr(0, kMax) + "...";
}

}  // namespace

Disposition disposition_of(JobOutcome::Kind kind) {
    switch (kind) {
        case JobOutcome::Kind::kCompleted:
        case JobOutcome::Kind::kSkipped: return Disposition::kAck;
        case JobOutcome::Kind::kRetry: return Disposition::kRetryThenAck;
        case JobOutcome::Kind::kFailed: return Disposition::kDeadLetter;
    }
    return Disposition::kDeadLetter;
}

Consumer::Consumer(ConsumerSettings settings, WorkerPool& pool, RetryPublisher& publisher,
                   const std::atomic<bool>& stop)
    : settings_(std::move(settings)),
      pool_(pool),
      publisher_(publisher),
      stop_(stop),
      watchdog_(systemd::watchdog_interval()) {}

void Consumer::connect() {
    auto connection = std::make_unique<amqp::Connection>(settings_.amqp_url, settings_.timeout);
    amqp::topology::declare(*connection, settings_.quorum);
    connection->set_prefetch(settings_.prefetch);
    connection->consume(amqp::topology::kProcessQueue);
    connection_ = std::move(connection);
    ++connection_id_;
}

void Consumer::disconnect() {
    // Deliveries not settled are requeued by the broker when the connection closes; the tags of
    // the backlog mean nothing on the next connection.
    backlog_.clear();
    connection_.reset();
}

void Consumer::run() {
    Backoff reconnects = reconnect_backoff();
    while (!stop_.load()) {
        try {
            connect();
            if (reconnects.failures() > 0) {
                log::info("RabbitMQ reachable again; consuming",
                          {{"queue", std::string(amqp::topology::kProcessQueue)}});
            } else {
                log::info("consuming", {{"queue", std::string(amqp::topology::kProcessQueue)},
                                        {"prefetch", settings_.prefetch}});
            }
            if (!ready_) {
                systemd::notify("READY=1");
                ready_ = true;
            }
            reconnects.reset();
            serve();
        } catch (const amqp::Error& error) {
            log::set_request_id("");
            disconnect();
            const auto delay = reconnects.next();
            // Log the outage once; the retries that follow only at debug level.
            if (reconnects.failures() == 1) {
                log::warn("RabbitMQ connection lost; reconnecting with backoff",
                          {{"error", error.what()}, {"jobs_in_flight", pool_.in_flight()}});
            } else {
                log::debug("RabbitMQ still unreachable",
                           {{"error", error.what()},
                            {"attempt", reconnects.failures()},
                            {"delay_ms", Json::Int64(delay.count())}});
            }
            // Jobs that finish meanwhile cannot be acked: their messages come back.
            sleep_unless_stopped(delay, stop_, [this] {
                settle_finished();
                watchdog_.ping_if_due();
            });
        }
    }
    systemd::notify("STOPPING=1");
    drain();
    // Closing the connection hands every delivery not settled back to the queue.
    disconnect();
}

void Consumer::serve() {
    while (!stop_.load()) {
        settle_finished();
        dispatch();
        const auto wait = watchdog_.bound(pool_.in_flight() > 0 ? kBusyPoll : kIdlePoll);
        if (std::optional<amqp::Delivery> delivery = connection_->next_delivery(wait)) {
            accept(std::move(*delivery));
            dispatch();
        }
        watchdog_.ping_if_due();
    }
}

void Consumer::drain() {
    // Deliveries not started stay unacked: they return to the queue when the connection closes.
    backlog_.clear();
    if (pool_.in_flight() > 0) {
        log::info("stopping: finishing the jobs in flight", {{"jobs", pool_.in_flight()}});
    }
    while (true) {
        try {
            settle_finished();
            if (pool_.in_flight() == 0) {
                return;
            }
            if (connection_) {
                // Keeps heartbeats flowing; what still arrives is left unacked, for others.
                (void)connection_->next_delivery(kBusyPoll);
            } else {
                std::this_thread::sleep_for(kBusyPoll);
            }
        } catch (const amqp::Error& error) {
            // The jobs still finish; their messages come back to whoever consumes next.
            log::warn("RabbitMQ connection lost while stopping", {{"error", error.what()}});
            connection_.reset();
        }
        watchdog_.ping_if_due();
    }
}

void Consumer::accept(amqp::Delivery delivery) {
    Task task;
    try {
        task.job = parse_job_message(delivery.message.body);
    } catch (const MalformedMessage& error) {
        log::error("malformed message; dead-lettering it",
                   {{"error", error.what()},
                    {"message_id", delivery.message.message_id},
                    {"body", excerpt(delivery.message.body)}});
        connection_->reject(delivery.delivery_tag, /*requeue=*/false);
        return;
    }
    task.delivery_tag = delivery.delivery_tag;
    task.connection = connection_id_;
    task.attempt = attempt_of(delivery.message);
    task.message = std::move(delivery.message);
    backlog_.push_back(std::move(task));
}

void Consumer::dispatch() {
    while (!backlog_.empty() && pool_.idle() > 0) {
        pool_.submit(std::move(backlog_.front()));
        backlog_.pop_front();
    }
}

void Consumer::settle_finished() {
    for (const Finished& finished : pool_.take_finished()) {
        settle(finished);
    }
}

void Consumer::settle(const Finished& finished) {
    const Task& task = finished.task;
    log::set_request_id(task.job.request_id);
    const Json::Int64 job_id = task.job.job_id;
    if (finished.kind == Finished::Kind::kInterrupted) {
        log::info("stopping: job handed back to the queue unfinished", {{"job_id", job_id}});
    } else if (!connection_ || task.connection != connection_id_) {
        // The delivery tag died with its connection; the broker redelivers the message and
        // start_image_job then skips a job already done.
        log::warn("job finished after its broker connection was lost; it will be redelivered",
                  {{"job_id", job_id}});
    } else if (finished.kind == Finished::Kind::kUnrecorded) {
        // Even the failure could not be recorded (e.g. the api function raised): park the
        // message in the dead-letter queue for an operator rather than looping on it.
        log::error("job could not be recorded; dead-lettering its message",
                   {{"job_id", job_id}, {"error", finished.error}, {"attempt", task.attempt}});
        connection_->reject(task.delivery_tag, /*requeue=*/false);
    } else {
        switch (disposition_of(finished.outcome.kind)) {
            case Disposition::kAck: connection_->ack(task.delivery_tag); break;
            case Disposition::kRetryThenAck: {
                // Confirmed copy first: if the publish fails the original stays unacked and
                // comes back after the reconnect (at least once, never lost).
                const int next = finished.outcome.attempt + 1;
                publisher_.publish(retry_copy(task.message, next, finished.outcome.retry_delay));
                connection_->ack(task.delivery_tag);
                log::info("job queued for retry",
                          {{"job_id", job_id},
                           {"next_attempt", next},
                           {"delay_ms", Json::Int64(finished.outcome.retry_delay.count())}});
                break;
            }
            case Disposition::kDeadLetter:
                connection_->reject(task.delivery_tag, /*requeue=*/false);
                break;
        }
    }
    log::set_request_id("");
}

}  // namespace pms::worker
