#pragma once
/// The HTTP request as FastCGI hands it over, and the response a handler builds.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fcgi/auth/principal.hpp"

namespace pms::api {

struct Request {
    std::string method;
    std::string path;           ///< decoded path without the query string
    std::string query;          ///< raw query string
    std::string content_type;   ///< "" when absent
    std::string cache_control;  ///< the client's Cache-Control, "" when absent
    std::string body;
    std::string request_id;
    /// Who sent it, from a verified bearer token (fcgi/authenticate.hpp); nothing without one.
    std::optional<auth::Principal> principal;
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  ///< JSON, or empty for 204
    std::string content_type = "application/json";
    /// Cache result for the access log and X-Cache ("HIT", "MISS"), or "".
    std::string cache;

    static Response json(int status, std::string body) {
        Response response;
        response.status = status;
        response.body = std::move(body);
        return response;
    }
};

/// The reason phrase for a status code we send.
const char* reason_phrase(int status);

/// The CGI response header block ("Status: ...\r\n...\r\n\r\n") for `response`.
std::string response_head(const Response& response, const std::string& request_id);

}  // namespace pms::api
