#pragma once
/// The exchanges of the end-to-end tests with the API, written down for the contract check:
/// tests/openapi/check_exchanges.py holds every recorded answer to docs/openapi.yaml, so the
/// document cannot drift from what the API does.

#include <string>

#include "tests/e2e/http_client.hpp"

namespace pms::e2e {

/// When PMS_E2E_EXCHANGE_LOG names a file, appends one JSON line to it: the method, the path
/// (with its query) below the API's URL, the status, the Content-Type, the headers (names in
/// lower case) and the body. Does nothing for other URLs (S3, the image origin) or a transfer
/// that failed.
void log_exchange(const std::string& method, const std::string& url, const HttpResponse& response);

}  // namespace pms::e2e
