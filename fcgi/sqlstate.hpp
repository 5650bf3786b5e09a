#pragma once
/// The one table that maps the SQLSTATEs raised by PostgreSQL to HTTP statuses.

#include <string_view>

namespace pms::api {

/// The HTTP status for an error PostgreSQL raised with `sqlstate`; 500 for anything a client
/// cannot have caused.
int http_status_for_sqlstate(std::string_view sqlstate);

}  // namespace pms::api
