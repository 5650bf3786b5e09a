#pragma once
/// What a libpqxx exception says about the PostgreSQL session: the server is unavailable (the
/// connection is lost, the server is going away or out of resources), so the caller reconnects
/// or asks its client to retry; or the statement failed, which reconnecting does not cure. One
/// answer for pms-api, pms-bridge and pms-worker.

#include <exception>
#include <string>
#include <string_view>

namespace pms::pg {

/// Whether `sqlstate` says the server rather than the statement: class 08 (connection
/// exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now) and class 53
/// (insufficient resources: out of connections, memory or disk).
bool is_unavailable_sqlstate(std::string_view sqlstate);

/// Whether `error` means the server is unavailable: a lost connection (libpqxx throws
/// broken_connection for class 08 and for too many connections), a commit whose outcome is
/// unknown because the connection broke during it (in_doubt_error), or an SQL error of
/// is_unavailable_sqlstate() or of class 53, whose SQLSTATE libpqxx 6.4 does not always keep.
bool is_unavailable(const std::exception& error);

/// The first line of `error`'s message, which says what happened (libpq's messages go on with
/// LINE 1: ..., a caret, a HINT), after "SQLSTATE xxxxx: " when libpqxx kept the SQLSTATE.
std::string first_line(const std::exception& error);

}  // namespace pms::pg
