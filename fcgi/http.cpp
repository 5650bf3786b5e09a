/// Status lines and the CGI response head.
#include "fcgi/http.hpp"

#include "fcgi/http_status.hpp"

namespace pms::api {

const char* reason_phrase(int status) {
    const size_t i = http_status_index(status);
    return i < kHttpStatuses.size() ? kHttpStatuses[i].reason : "Unknown";
}

std::string response_head(const Response& response, const std::string& request_id) {
    std::string head;
    head.reserve(160);
    head += "Status: ";
    head += std::to_string(response.status);
    head += ' ';
    head += reason_phrase(response.status);
    head += "\r\n";
    if (response.status != 204) {
        head += "Content-Type: ";
        head += response.content_type;
        // With a length nginx can skip gzip for small bodies (gzip_min_length) and the client
        // knows when the body ends.
        head += "\r\nContent-Length: ";
        head += std::to_string(response.body.size());
        head += "\r\n";
    }
    head += "X-Request-Id: ";
    head += request_id;
    head += "\r\n";
    if (!response.cache.empty()) {
        head += "X-Cache: ";
        head += response.cache;
        head += "\r\n";
    }
    for (const auto& [name, value] : response.headers) {
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "\r\n";
    return head;
}

}  // namespace pms::api
