#pragma once
/// The API's error shape (README.md, "HTTP API"), as every end-to-end suite checks it.

#include <json/json.h>

#include <string>

#include "tests/e2e/http_client.hpp"

namespace pms::e2e {

/// Checks that `response` is the error `code` with `status`: a JSON body
/// {"error": {"code", "message", "details": [...]}, "request_id"} whose request id is the
/// X-Request-Id header. Returns the error object.
Json::Value expect_error(const HttpResponse& response, long status, const std::string& code);

}  // namespace pms::e2e
