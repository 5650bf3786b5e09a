/// POST /api/v1/users.
#include "fcgi/handlers/actor.hpp"
#include "fcgi/handlers/handlers.hpp"
#include "fcgi/input.hpp"

namespace pms::api::handlers {

Response create_user(Context& context, const Request& request, std::string_view) {
    require_json_content_type(request.content_type);
    CallResult created = context.database.create_user(
        {actor_of(request), parse_user_body(request.body), request.request_id});
    Response response = Response::json(201, std::move(created.json));
    response.headers.emplace_back("Location", "/api/v1/users/" + created.id);
    return response;
}

}  // namespace pms::api::handlers
