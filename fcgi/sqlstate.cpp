/// SQLSTATE -> HTTP status, in one place (cf. PostgREST's mapSQLtoHTTP).
#include "fcgi/sqlstate.hpp"

#include <array>
#include <utility>

#include "common/pg_error.hpp"

namespace pms::api {

namespace {

struct Mapping {
    std::string_view sqlstate;  ///< a full code, or a two-character class
    int status;
};

// Rules broken by client input are 422 (README.md: valid JSON that breaks a rule);
// a dependency that is down or busy is 503, so clients retry.
constexpr std::array kTable = {
    Mapping{"P0002", 404},  // no_data_found: the product does not exist
    // insufficient_privilege: the actor may not (pms.may_act_for). A missing GRANT raises it too
    // and so reads as 403; db/tests/08-privileges.sql keeps the grants right.
    Mapping{"42501", 403}, Mapping{"23505", 409},  // unique_violation
    Mapping{"23514", 422},                         // check_violation: a constraint of the schema
    Mapping{"23502", 422},  // not_null_violation: a required field is missing
    Mapping{"23503", 422},  // foreign_key_violation: e.g. the user does not exist
    Mapping{"22001", 422},  // string_data_right_truncation
    Mapping{"22003", 422},  // numeric_value_out_of_range: e.g. a price too large
    Mapping{"22023", 422},  // invalid_parameter_value: e.g. limit out of range, bad cursor
    Mapping{"22P02", 400},  // invalid_text_representation: a value of the wrong form
    Mapping{"22021", 400},  // character_not_in_repertoire: not UTF-8 (checked before, too)
    Mapping{"40001", 503},  // serialization_failure: retry
    Mapping{"40P01", 503},  // deadlock_detected: retry
    Mapping{"55P03", 503},  // lock_not_available: retry
    Mapping{"57014", 503},  // query_canceled (statement_timeout)
};

}  // namespace

int http_status_for_sqlstate(std::string_view sqlstate) {
    // The server going away or out of resources: the states on which the bridge and the worker
    // reconnect.
    if (pg::is_unavailable_sqlstate(sqlstate)) {
        return 503;
    }
    for (const Mapping& mapping : kTable) {
        if (sqlstate.substr(0, mapping.sqlstate.size()) == mapping.sqlstate) {
            return mapping.status;
        }
    }
    return 500;
}

}  // namespace pms::api
