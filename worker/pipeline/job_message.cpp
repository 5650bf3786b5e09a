/// Parsing of job messages and building of their retry copies.
#include "worker/pipeline/job_message.hpp"

#include <algorithm>
#include <limits>

#include "common/json.hpp"

namespace pms::worker {

namespace {

/// An optional integer member: `fallback` when absent or null; malformed when another type.
int64_t optional_integer(const Json::Value& object, const char* name, int64_t fallback) {
    const Json::Value& value = object[name];
    if (value.isNull()) {
        return fallback;
    }
    if (!value.isInt64()) {
        throw MalformedMessage(std::string(name) + " must be an integer");
    }
    return value.asInt64();
}

/// An optional string member: "" when absent or null; malformed when another type.
std::string optional_string(const Json::Value& object, const char* name) {
    const Json::Value& value = object[name];
    if (value.isNull()) {
        return {};
    }
    if (!value.isString()) {
        throw MalformedMessage(std::string(name) + " must be a string");
    }
    return value.asString();
}

}  // namespace

JobMessage parse_job_message(std::string_view body) {
    std::string error;
    const std::optional<Json::Value> document = json::parse_strict(body, &error);
    if (!document) {
        throw MalformedMessage("body is not JSON: " + error);
    }
    if (!document->isObject()) {
        throw MalformedMessage("body is not a JSON object");
    }
    const Json::Value& object = *document;
    JobMessage message;
    if (!object.isMember("job_id")) {
        throw MalformedMessage("job_id is missing");
    }
    message.job_id = optional_integer(object, "job_id", 0);
    if (message.job_id <= 0) {
        throw MalformedMessage("job_id must be a positive integer");
    }
    message.product_id = optional_integer(object, "product_id", 0);
    const int64_t position = optional_integer(object, "position", -1);
    if (position < -1 || position > std::numeric_limits<int>::max()) {
        throw MalformedMessage("position is out of range");
    }
    message.position = static_cast<int>(position);
    message.source_url = optional_string(object, "source_url");
    message.request_id = optional_string(object, "request_id");
    message.enqueued_at = optional_string(object, "enqueued_at");
    return message;
}

int attempt_of(const amqp::Message& message) {
    const int64_t attempt = message.header(kAttemptHeader, 1);
    return static_cast<int>(std::clamp<int64_t>(attempt, 1, std::numeric_limits<int>::max()));
}

amqp::Message retry_copy(const amqp::Message& original, int next_attempt,
                         std::chrono::milliseconds delay) {
    amqp::Message copy;
    copy.body = original.body;
    copy.message_id = original.message_id;
    copy.content_type = original.content_type.empty() ? "application/json" : original.content_type;
    copy.persistent = true;
    copy.expiration = std::to_string(std::max<int64_t>(delay.count(), 0));
    for (const auto& header : original.headers) {
        if (header.first != kAttemptHeader) {
            copy.headers.push_back(header);
        }
    }
    copy.headers.emplace_back(std::string(kAttemptHeader), next_attempt);
    return copy;
}

}  // namespace pms::worker
