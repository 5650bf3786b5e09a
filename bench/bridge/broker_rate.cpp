/// Publishing without the database, through the bridge's own publisher.
#include "bench/bridge/broker_rate.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

#include "worker/bridge/outbox_payload.hpp"
#include "worker/bridge/publisher.hpp"

namespace pms::bridge_bench {

double broker_confirm_rate(const std::string& amqp_url, int count, int batch) {
    bridge::PublisherOptions options;
    options.url = amqp_url;
    bridge::AmqpPublisher publisher(options);
    publisher.connect();
    const auto start = std::chrono::steady_clock::now();
    for (int sent = 0; sent < count; sent += batch) {
        std::vector<amqp::Message> messages;
        for (int i = sent; i < std::min(count, sent + batch); ++i) {
            // The size and shape of a real image.process event.
            messages.push_back(
                bridge::image_event(
                    "{\"job_id\": " + std::to_string(i + 1) +
                    ", \"product_id\": " + std::to_string(i / 4) +
                    ", \"position\": 0, \"source_url\": \"http://127.0.0.1:9/bench/" +
                    std::to_string(i) +
                    ".jpg\", \"request_id\": \"bench\", \"enqueued_at\": "
                    "\"2026-11-21T10:00:00.123456+00:00\"}")
                    .message);
        }
        const auto outcome = publisher.publish(messages, [] { return false; });
        if (!outcome.ok) {
            throw std::runtime_error("broker baseline: " + outcome.failure);
        }
    }
    return count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace pms::bridge_bench
