/// Outbox payloads to RabbitMQ messages and Redis keys.
#include "worker/bridge/outbox_payload.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>

#include "common/json.hpp"

namespace pms::bridge {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

/// A positive integer as decimal text, whether it was written as a number or a string.
std::string id_text(const Json::Value& value) {
    if (value.isIntegral() && value.isInt64() && value.asInt64() > 0) {
        return std::to_string(value.asInt64());
    }
    if (value.isString() && all_digits(value.asString())) {
        return value.asString();
    }
    return "";
}

std::string id_text(const Json::Value& object, const char* name) {
    return id_text(object[name]);
}

/// `text` as an id; 0 for "" or a number out of range.
int64_t id_of(const std::string& text) {
    try {
        return text.empty() ? 0 : std::stoll(text);
    } catch (const std::out_of_range&) {
        return 0;
    }
}

std::optional<Json::Value> parse_object(std::string_view payload) {
    auto value = json::parse_strict(payload, nullptr);
    if (!value || !value->isObject()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

ImageEvent image_event(std::string payload) {
    ImageEvent event;
    if (const auto object = parse_object(payload)) {
        event.job_id = id_text(*object, "job_id");
        if (const Json::Value& request_id = (*object)["request_id"]; request_id.isString()) {
            event.request_id = request_id.asString();
        }
    }
    event.message.message_id = event.job_id;
    event.message.content_type = "application/json";
    event.message.persistent = true;
    event.message.body = std::move(payload);
    return event;
}

std::optional<Invalidation> invalidation(std::string_view payload) {
    const auto object = parse_object(payload);
    if (!object) {
        return std::nullopt;
    }
    Invalidation event;
    event.product_id = id_of(id_text(*object, "product_id"));
    if (event.product_id != 0) {
        event.version = id_of(id_text(*object, "version"));
    }
    if (const Json::Value& sellers = (*object)["user_ids"]; sellers.isArray()) {
        for (const Json::Value& seller : sellers) {
            if (const int64_t user_id = id_of(id_text(seller)); user_id != 0) {
                event.user_ids.push_back(user_id);
            }
        }
    }
    if (event.product_id == 0 && event.user_ids.empty()) {
        return std::nullopt;
    }
    return event;
}

}  // namespace pms::bridge
