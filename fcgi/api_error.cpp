/// The JSON error shape and the code for each status.
#include "fcgi/api_error.hpp"

#include "common/json.hpp"
#include "fcgi/http_status.hpp"

namespace pms::api {

const char* error_code_for(int status) {
    const size_t i = http_status_index(status);
    const char* code = i < kHttpStatuses.size() ? kHttpStatuses[i].error_code : nullptr;
    return code != nullptr ? code : "internal_error";
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
