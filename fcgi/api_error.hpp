#pragma once
/// Errors that reach the client: an HTTP status, a stable code, a message and details, written
/// in the one error shape of the API (README.md, "HTTP API").

#include <json/value.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fcgi/http.hpp"

namespace pms::api {

class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message,
             Json::Value details = Json::Value(Json::arrayValue))
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          details_(std::move(details)) {}

    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const Json::Value& details() const { return details_; }

    /// Extra response headers (Allow, Retry-After).
    std::vector<std::pair<std::string, std::string>> headers;

private:
    int status_;
    std::string code_;
    Json::Value details_;
};

/// The stable error code clients branch on for an HTTP status ("validation_failed", ...).
const char* error_code_for(int status);

/// An ApiError with the code that belongs to its status.
ApiError error_with_status(int status, const std::string& message,
                           Json::Value details = Json::Value(Json::arrayValue));

/// The JSON error response for `error`.
Response error_response(const ApiError& error, const std::string& request_id);

}  // namespace pms::api
