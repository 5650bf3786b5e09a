#pragma once
/// The request id that follows a request from nginx to the outbox message and the logs.

#include <string>
#include <string_view>

namespace pms::api {

/// Whether a client-supplied X-Request-Id is safe to echo and log: 1-128 characters from
/// [A-Za-z0-9._:-].
bool is_well_formed_request_id(std::string_view id);

/// The client's X-Request-Id when well-formed, else nginx's $request_id when well-formed, else
/// a fresh random id. Null pointers mean absent.
std::string choose_request_id(const char* client_header, const char* nginx_id);

}  // namespace pms::api
