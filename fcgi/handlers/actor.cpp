/// The acting user of a request.
#include "fcgi/handlers/actor.hpp"

namespace pms::api::handlers {

Actor actor_of(const Request& request) {
    if (!request.principal) {
        return {};
    }
    return {request.principal->user_id, request.principal->admin};
}

}  // namespace pms::api::handlers
