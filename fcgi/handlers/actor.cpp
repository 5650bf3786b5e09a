/// The acting user of a request, as statement parameters.
#include "fcgi/handlers/actor.hpp"

#include <string>

namespace pms::api::handlers {

Actor actor_of(const Request& request) {
    if (!request.principal) {
        return {std::nullopt, "false"};
    }
    return {std::to_string(request.principal->user_id),
            request.principal->admin ? "true" : "false"};
}

}  // namespace pms::api::handlers
