/// The delivery loop and the broker connection of pms-worker.
#include "worker/pipeline/consumer.hpp"

#include <thread>

#include "common/amqp_topology.hpp"
#include "common/log.hpp"
#include "worker/pipeline/backoff.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/job_message.hpp"

namespace pms::worker {

namespace {

/// How long one wait for a delivery lasts: the stop flag is checked at least this often.
constexpr std::chrono::milliseconds kPollInterval{500};
/// Longest sleep slice while pausing, for the same reason.
constexpr std::chrono::milliseconds kPauseSlice{200};

/// Sleeps `duration` in slices; false as soon as `stop` is set.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (!stop.load()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(deadline - now, kPauseSlice));
    }
    return false;
}

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

Consumer::Consumer(ConsumerSettings settings, JobRunner& runner, RetryPublisher& publisher,
                   const std::atomic<bool>& stop)
    : settings_(std::move(settings)), runner_(runner), publisher_(publisher), stop_(stop) {}

void Consumer::connect() {
    auto connection = std::make_unique<amqp::Connection>(settings_.amqp_url, settings_.timeout);
    amqp::topology::declare(*connection, settings_.quorum);
    connection->set_prefetch(settings_.prefetch);
    connection->consume(amqp::topology::kProcessQueue);
    connection_ = std::move(connection);
    connection_lost_ = false;
}

void Consumer::disconnect() {
    // Deliveries not acked are requeued by the broker when the connection closes; the tags of the
    // backlog mean nothing on the next connection.
    backlog_.clear();
    connection_.reset();
    connection_lost_ = false;
}

void Consumer::run() {
    int failures = 0;
    while (!stop_.load()) {
        try {
            connect();
            if (failures > 0) {
                log::info("RabbitMQ reachable again; consuming",
                          {{"queue", std::string(amqp::topology::kProcessQueue)}});
            } else {
                log::info("consuming", {{"queue", std::string(amqp::topology::kProcessQueue)},
                                        {"prefetch", settings_.prefetch}});
            }
            failures = 0;
            serve();
        } catch (const amqp::Error& error) {
            log::set_request_id("");
            disconnect();
            ++failures;
            const auto delay = reconnect_delay(failures);
            // Log the outage once; the retries that follow only at debug level.
            if (failures == 1) {
                log::warn("RabbitMQ connection lost; reconnecting with backoff",
                          {{"error", error.what()}});
            } else {
                log::debug("RabbitMQ still unreachable",
                           {{"error", error.what()},
                            {"attempt", failures},
                            {"delay_ms", Json::Int64(delay.count())}});
            }
            sleep_unless_stopped(delay, stop_);
        }
    }
    // Closing the connection hands any unacked delivery back to the queue.
    disconnect();
}

void Consumer::serve() {
    while (!stop_.load()) {
        if (connection_lost_) {
            throw amqp::Error("amqp: connection lost during a job");
        }
        std::optional<amqp::Delivery> delivery;
        if (!backlog_.empty()) {
            delivery = std::move(backlog_.front());
            backlog_.pop_front();
        } else {
            delivery = connection_->next_delivery(kPollInterval);
        }
        if (delivery) {
            handle(*delivery);
        }
    }
}

bool Consumer::pause(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (!stop_.load()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return true;
        }
        pump(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                      kPauseSlice));
    }
    return false;
}

void Consumer::keep_alive() {
    pump(std::chrono::milliseconds(1));
}

void Consumer::pump(std::chrono::milliseconds slice) {
    if (!connection_ || connection_lost_) {
        std::this_thread::sleep_for(slice);
        return;
    }
    try {
        // Waiting on the socket also sends and checks heartbeats.
        if (auto delivery = connection_->next_delivery(slice)) {
            backlog_.push_back(std::move(*delivery));
        }
    } catch (const amqp::Error& error) {
        log::warn("RabbitMQ connection lost while a job runs; it will be redelivered",
                  {{"error", error.what()}});
        connection_lost_ = true;
    }
}

void Consumer::dead_letter(const amqp::Delivery& delivery) {
    connection_->reject(delivery.delivery_tag, /*requeue=*/false);
}

void Consumer::handle(const amqp::Delivery& delivery) {
    log::set_request_id("");
    JobMessage message;
    try {
        message = parse_job_message(delivery.message.body);
    } catch (const MalformedMessage& error) {
        log::error("malformed message; dead-lettering it",
                   {{"error", error.what()},
                    {"message_id", delivery.message.message_id},
                    {"body", excerpt(delivery.message.body)}});
        dead_letter(delivery);
        return;
    }
    log::set_request_id(message.request_id);
    const Json::Int64 job_id = message.job_id;
    const int attempt = attempt_of(delivery.message);

    JobOutcome outcome;
    try {
        outcome = runner_.run(message, attempt);
    } catch (const Interrupted&) {
        log::info("stopping: job handed back to the queue unfinished", {{"job_id", job_id}});
        return;  // not acked: the broker requeues it when the connection closes
    } catch (const std::exception& error) {
        // Even the failure could not be recorded (e.g. the api function raised): park the
        // message in the dead-letter queue for an operator rather than looping on it.
        log::error("job could not be recorded; dead-lettering its message",
                   {{"job_id", job_id}, {"error", error.what()}, {"attempt", attempt}});
        dead_letter(delivery);
        return;
    }
    if (connection_lost_) {
        // The delivery tag died with the connection; the broker redelivers the message and
        // start_image_job then skips a job already done.
        log::warn("job finished after the broker connection was lost; it will be redelivered",
                  {{"job_id", job_id}, {"outcome", name_of(outcome.kind)}});
        return;
    }

    switch (disposition_of(outcome.kind)) {
        case Disposition::kAck: connection_->ack(delivery.delivery_tag); break;
        case Disposition::kRetryThenAck:
            // Confirmed copy first: if the publish fails the original stays unacked and comes
            // back after the reconnect (at least once, never lost).
            publisher_.publish(retry_copy(delivery.message, attempt + 1, outcome.retry_delay));
            connection_->ack(delivery.delivery_tag);
            log::info("job queued for retry",
                      {{"job_id", job_id},
                       {"next_attempt", attempt + 1},
                       {"delay_ms", Json::Int64(outcome.retry_delay.count())}});
            break;
        case Disposition::kDeadLetter: dead_letter(delivery); break;
    }
    log::set_request_id("");
}

}  // namespace pms::worker
