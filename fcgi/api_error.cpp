/// The JSON error shape and the code for each status.
#include "fcgi/api_error.hpp"

#include "common/json.hpp"

namespace pms::api {

const char* error_code_for(int status) {
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 413: return "payload_too_large";
        case 415: return "unsupported_media_type";
        case 422: return "validation_failed";
        case 503: return "service_unavailable";
        default: return "internal_error";
    }
}

ApiError error_with_status(int status, const std::string& message, Json::Value details) {
    return ApiError(status, error_code_for(status), message, std::move(details));
}

Response error_response(const ApiError& error, const std::string& request_id) {
    Json::Value body(Json::objectValue);
    Json::Value& inner = body["error"];
    inner["code"] = error.code();
    inner["message"] = error.what();
    inner["details"] = error.details();
    body["request_id"] = request_id;
    Response response = Response::json(error.status(), json::compact(body));
    response.headers = error.headers;
    return response;
}

}  // namespace pms::api
