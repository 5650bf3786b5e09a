#pragma once
/// The acting user as the api functions take it, first of their arguments: the user's id and
/// whether they are an admin (db/README.md, "Who may do what"). The database decides what the
/// actor may do (pms.may_act_for); pms-api only says who it is.

#include "fcgi/database.hpp"
#include "fcgi/http.hpp"

namespace pms::api::handlers {

struct Actor {
    Param id;     ///< NULL: no one (a request without a token)
    Param admin;  ///< "true" or "false"
};

Actor actor_of(const Request& request);

}  // namespace pms::api::handlers
