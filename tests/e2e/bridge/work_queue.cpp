/// Reading and purging the image work queue for tests and benchmarks.
#include "tests/e2e/bridge/work_queue.hpp"

#include "common/json.hpp"
#include "worker/amqp/amqp_topology.hpp"

namespace pms::bridge_testkit {

namespace {

constexpr std::chrono::milliseconds kTimeout{5000};

int64_t integer_member(const Json::Value& object, const char* name) {
    const Json::Value& value = object[name];
    return value.isIntegral() ? value.asInt64() : 0;
}

}  // namespace

WorkQueueReader::WorkQueueReader(const std::string& amqp_url, bool quorum, std::string_view queue)
    : connection_(std::make_unique<amqp::Connection>(amqp_url, kTimeout)) {
    amqp::topology::declare(*connection_, quorum);
    connection_->consume(queue);
}

std::optional<Delivered> WorkQueueReader::next(std::chrono::milliseconds timeout) {
    auto delivery = connection_->next_delivery(timeout);
    if (!delivery) {
        return std::nullopt;
    }
    Delivered delivered;
    delivered.received_at = std::chrono::steady_clock::now();
    delivered.message_id = delivery->message.message_id;
    delivered.persistent = delivery->message.persistent;
    delivered.content_type = delivery->message.content_type;
    if (const auto body = json::parse_strict(delivery->message.body, nullptr);
        body && body->isObject()) {
        delivered.job_id = integer_member(*body, "job_id");
        delivered.product_id = integer_member(*body, "product_id");
    }
    connection_->ack(delivery->delivery_tag);
    return delivered;
}

std::vector<Delivered> WorkQueueReader::read_until_quiet(
    std::chrono::milliseconds quiet, std::chrono::steady_clock::time_point deadline) {
    std::vector<Delivered> received;
    while (std::chrono::steady_clock::now() < deadline) {
        auto delivered = next(quiet);
        if (!delivered) {
            break;
        }
        received.push_back(std::move(*delivered));
    }
    return received;
}

uint32_t purge_work_queue(const std::string& amqp_url) {
    amqp::Connection connection(amqp_url, kTimeout);
    amqp::topology::declare(connection, false);
    return connection.purge_queue(amqp::topology::kProcessQueue);
}

}  // namespace pms::bridge_testkit
