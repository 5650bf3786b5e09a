/// Confirmed publishing to the delay queue.
#include "worker/pipeline/retry_publisher.hpp"

#include "common/log.hpp"
#include "worker/amqp/amqp_topology.hpp"

namespace pms::worker {

RetryPublisher::RetryPublisher(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

void RetryPublisher::publish(const amqp::Message& message) {
    try {
        publish_once(message);
    } catch (const amqp::Error& error) {
        // This connection idles between retries and may have been closed meanwhile (a broker
        // restart): one more try on a fresh connection before giving up.
        log::debug("retry publish failed; reconnecting once", {{"error", error.what()}});
        connection_.reset();
        publish_once(message);
    }
}

void RetryPublisher::publish_once(const amqp::Message& message) {
    if (!connection_) {
        // No heartbeats: rabbitmq-c answers them only inside its own calls, and this connection
        // sits idle while jobs succeed; a dead connection shows as a failed publish or confirm.
        connection_ = std::make_unique<amqp::Connection>(url_, timeout_, std::chrono::seconds(0));
        connection_->enable_publisher_confirms();
    }
    const uint64_t tag =
        connection_->publish(amqp::topology::kExchange, amqp::topology::kRetryKey, message,
                             /*mandatory=*/true);
    bool returned = false;
    std::string return_reason;
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto event =
            connection_->next_publisher_event(std::max(left, std::chrono::milliseconds(1)));
        if (!event) {
            continue;
        }
        switch (event->kind) {
            case amqp::PublisherEvent::Kind::kReturn:
                // The broker returns an unroutable message before confirming it.
                returned = true;
                return_reason = event->reason;
                break;
            case amqp::PublisherEvent::Kind::kNack:
                if (event->delivery_tag == tag || (event->multiple && event->delivery_tag >= tag)) {
                    connection_.reset();
                    throw amqp::Error("amqp: broker refused (nack) the retry message");
                }
                break;
            case amqp::PublisherEvent::Kind::kAck:
                if (event->delivery_tag == tag || (event->multiple && event->delivery_tag >= tag)) {
                    if (returned) {
                        connection_.reset();
                        throw amqp::Error("amqp: retry message unroutable: " + return_reason);
                    }
                    return;
                }
                break;
        }
    }
    connection_.reset();
    throw amqp::Error("amqp: no confirm for the retry message in time");
}

}  // namespace pms::worker
