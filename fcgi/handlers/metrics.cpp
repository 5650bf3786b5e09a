/// GET /metrics: Prometheus text for the whole pms-api (nginx lets only local addresses in).
#include "fcgi/handlers/handlers.hpp"
#include "fcgi/router.hpp"

namespace pms::api::handlers {

Response metrics(Context& context, const Request&, std::string_view) {
    Response response;
    response.body = context.metrics.prometheus_text(route_names(), route_count());
    response.content_type = "text/plain; version=0.0.4";
    return response;
}

}  // namespace pms::api::handlers
