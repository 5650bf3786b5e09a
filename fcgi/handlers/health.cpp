/// GET /health: PostgreSQL and Redis reachable, with their round-trip times.
#include <chrono>

#include "common/json.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/handlers/handlers.hpp"

namespace pms::api::handlers {

namespace {

Json::Value check(const char* component, std::optional<std::chrono::microseconds> latency) {
    Json::Value result(Json::objectValue);
    result["component"] = component;
    result["status"] = latency ? "up" : "down";
    if (latency) {
        result["latency_ms"] = static_cast<double>(latency->count()) / 1000.0;
    }
    return result;
}

}  // namespace

Response health(Context& context, const Request& request, std::string_view) {
    std::optional<std::chrono::microseconds> database;
    try {
        database = context.database.ping();
    } catch (const ApiError&) {
        // Reported below as down.
    }
    const std::optional<std::chrono::microseconds> cache = context.cache.ping();

    Json::Value checks(Json::arrayValue);
    checks.append(check("postgresql", database));
    checks.append(check("redis", cache));
    if (database && cache) {
        Json::Value body(Json::objectValue);
        body["status"] = "ok";
        body["checks"] = checks;
        return Response::json(200, json::compact(body));
    }
    std::string down = !database ? "postgresql" : "";
    if (!cache) {
        down += down.empty() ? "redis" : " and redis";
    }
    ApiError error = error_with_status(503, down + " unreachable", checks);
    error.headers.emplace_back("Retry-After", "1");
    return error_response(error, request.request_id);
}

}  // namespace pms::api::handlers
