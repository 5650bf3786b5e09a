#pragma once
/// A small HTTP client for the end-to-end tests (libcurl through worker/pipeline/curl.hpp).

#include <json/json.h>

#include <map>
#include <string>

namespace pms::e2e {

struct HttpResponse {
    long status = 0;                             ///< 0 when the transfer failed
    std::string transfer_error;                  ///< libcurl's message when it failed
    std::map<std::string, std::string> headers;  ///< names in lower case
    std::string body;

    /// The body parsed as JSON; fails the calling test when it is not JSON.
    Json::Value json() const;
    std::string header(const std::string& lower_case_name) const;
};

/// Sends one request; `body` and `content_type` only when not empty, the bearer token of
/// current_token() (tokens.hpp) to the API's URLs unless `extra_headers` has an Authorization
/// header. A failed transfer fails the
/// calling test unless `expect_transfer` is false (then it shows as status 0).
HttpResponse request(const std::string& method, const std::string& url,
                     const std::string& body = "", const std::string& content_type = "",
                     const std::map<std::string, std::string>& extra_headers = {},
                     bool expect_transfer = true);

inline HttpResponse get(const std::string& url) {
    return request("GET", url);
}
inline HttpResponse post_json(const std::string& url, const std::string& body) {
    return request("POST", url, body, "application/json");
}
inline HttpResponse put_json(const std::string& url, const std::string& body) {
    return request("PUT", url, body, "application/json");
}

/// While it lives, this thread's requests are sent from `address`: another loopback address,
/// such as 127.0.0.2, makes the test a second client.
class SourceAddress {
public:
    explicit SourceAddress(std::string address);
    ~SourceAddress();
    SourceAddress(const SourceAddress&) = delete;
    SourceAddress& operator=(const SourceAddress&) = delete;

private:
    std::string previous_;
};

}  // namespace pms::e2e
