#pragma once
/// The acting user of a request: who its bearer token speaks for.

#include "fcgi/api_arguments.hpp"
#include "fcgi/http.hpp"

namespace pms::api::handlers {

Actor actor_of(const Request& request);

}  // namespace pms::api::handlers
