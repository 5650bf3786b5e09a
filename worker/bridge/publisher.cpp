/// Batches to RabbitMQ: publish all, then collect the confirms of the whole batch.
#include "worker/bridge/publisher.hpp"

#include <algorithm>
#include <utility>

#include "common/log.hpp"
#include "worker/amqp/amqp_topology.hpp"

namespace pms::bridge {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// One wait for a broker event; short, so that a stop request is seen within it.
constexpr milliseconds kWaitSlice{200};
}  // namespace

AmqpPublisher::AmqpPublisher(PublisherOptions options) : options_(std::move(options)) {}

template <typename F>
auto AmqpPublisher::guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const amqp::Error&) {
        // The wrapper marks the connection unusable after any error; forget it.
        connection_.reset();
        throw;
    }
}

void AmqpPublisher::connect() {
    connection_.reset();
    auto connection = std::make_unique<amqp::Connection>(options_.url, options_.connect_timeout);
    amqp::topology::declare(*connection, options_.quorum_queues);
    connection->enable_publisher_confirms();
    connection_ = std::move(connection);
}

void AmqpPublisher::keep_alive() {
    if (!connection_) {
        return;
    }
    guarded([&] {
        // Zero timeout: rabbitmq-c sends a due heartbeat and reads what is there, no waiting.
        while (auto event = connection_->next_publisher_event(milliseconds(0))) {
            // Every batch waits for all its confirms, so nothing should arrive between batches.
            log::debug("broker event between batches ignored",
                       {{"delivery_tag", Json::UInt64(event->delivery_tag)}});
        }
    });
}

PublishOutcome AmqpPublisher::publish(const std::vector<amqp::Message>& messages,
                                      const std::function<bool()>& stopping) {
    const auto start = Clock::now();
    PublishOutcome outcome;
    if (!connection_) {
        outcome.failure = "not connected to RabbitMQ";
        return outcome;
    }
    ConfirmTracker tracker;
    guarded([&] {
        for (const amqp::Message& message : messages) {
            tracker.expect(connection_->publish(amqp::topology::kExchange,
                                                amqp::topology::kProcessKey, message,
                                                /*mandatory=*/true));
        }
        auto deadline = start + options_.confirm_timeout;
        bool grace_applied = false;
        while (!tracker.settled()) {
            if (!grace_applied && stopping && stopping()) {
                deadline = std::min(deadline, Clock::now() + options_.stop_grace);
                grace_applied = true;
            }
            const auto now = Clock::now();
            if (now >= deadline) {
                break;
            }
            const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
            if (auto event = connection_->next_publisher_event(std::min(remaining, kWaitSlice))) {
                tracker.on_event(*event);
            }
        }
    });
    outcome.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (!tracker.settled()) {
        outcome.failure = std::to_string(tracker.outstanding()) + " of " +
                          std::to_string(messages.size()) + " messages not confirmed within " +
                          std::to_string(outcome.elapsed.count()) + " ms";
        // Late confirms of this batch must not be taken for the next one's.
        connection_.reset();
    } else if (!tracker.returned().empty()) {
        outcome.failure = std::to_string(tracker.returned().size()) +
                          " messages returned as unroutable, first: " + tracker.returned().front();
        // Someone removed a queue or binding: a new connection declares them again.
        connection_.reset();
    } else if (tracker.nacked() != 0) {
        outcome.failure = std::to_string(tracker.nacked()) + " of " +
                          std::to_string(messages.size()) + " messages nacked by the broker";
    } else {
        outcome.ok = true;
    }
    return outcome;
}

}  // namespace pms::bridge
