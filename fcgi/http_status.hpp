#pragma once
/// The HTTP statuses pms-api sends, in one table: the status line's reason phrase, the error
/// shape's code and the request counters' status label all come from it, so a status added here
/// is spelled, coded and counted at once.

#include <array>
#include <cstddef>

namespace pms::api {

struct HttpStatus {
    int status;
    const char* reason;      ///< the status line's reason phrase
    const char* error_code;  ///< the error shape's code clients branch on; nullptr for a success
};

inline constexpr std::array kHttpStatuses = {
    HttpStatus{200, "OK", nullptr},
    HttpStatus{201, "Created", nullptr},
    HttpStatus{204, "No Content", nullptr},
    HttpStatus{400, "Bad Request", "bad_request"},
    HttpStatus{401, "Unauthorized", "unauthorized"},
    HttpStatus{403, "Forbidden", "forbidden"},
    HttpStatus{404, "Not Found", "not_found"},
    HttpStatus{405, "Method Not Allowed", "method_not_allowed"},
    HttpStatus{409, "Conflict", "conflict"},
    HttpStatus{413, "Payload Too Large", "payload_too_large"},
    HttpStatus{415, "Unsupported Media Type", "unsupported_media_type"},
    HttpStatus{422, "Unprocessable Entity", "validation_failed"},
    HttpStatus{500, "Internal Server Error", "internal_error"},
    HttpStatus{503, "Service Unavailable", "service_unavailable"},
};

/// The position of `status` in kHttpStatuses; kHttpStatuses.size() for a status not there.
constexpr size_t http_status_index(int status) {
    size_t i = 0;
    while (i < kHttpStatuses.size() && kHttpStatuses[i].status != status) {
        ++i;
    }
    return i;
}

}  // namespace pms::api
