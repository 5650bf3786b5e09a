/// The routes of the HTTP API (README.md, "HTTP API"; docs/architecture.md).
#include "fcgi/router.hpp"

#include <array>

#include "fcgi/api_error.hpp"
#include "fcgi/handlers/handlers.hpp"
#include "fcgi/metrics.hpp"

namespace pms::api {

namespace {

struct RouteEntry {
    std::string_view method;
    std::string_view pattern;  ///< "{id}" stands for one path segment
    std::string_view name;
    Access access;
    Handler handler = nullptr;
    Prefetch prefetch = nullptr;
    BatchRead batch_read = nullptr;
    BatchHandler batch = nullptr;
};

constexpr std::array kRoutes = {
    RouteEntry{"POST", "/api/v1/users", "POST /api/v1/users", Access::kWrite,
               handlers::create_user},
    RouteEntry{"POST", "/api/v1/products", "POST /api/v1/products", Access::kWrite, nullptr,
               nullptr, nullptr, handlers::create_products},
    RouteEntry{"GET", "/api/v1/products", "GET /api/v1/products", Access::kRead,
               handlers::list_products, handlers::prefetch_page},
    RouteEntry{"GET", "/api/v1/products/{id}", "GET /api/v1/products/{id}", Access::kRead,
               handlers::get_product, handlers::prefetch_product, handlers::read_products},
    RouteEntry{"PUT", "/api/v1/products/{id}", "PUT /api/v1/products/{id}", Access::kWrite, nullptr,
               nullptr, nullptr, handlers::update_products},
    RouteEntry{"DELETE", "/api/v1/products/{id}", "DELETE /api/v1/products/{id}", Access::kWrite,
               handlers::delete_product},
    RouteEntry{"GET", "/health", "GET /health", Access::kOpen, handlers::health},
    RouteEntry{"GET", "/metrics", "GET /metrics", Access::kOpen, handlers::metrics},
};

/// kRoutes' names, and the slot of requests that matched no route.
constexpr auto kRouteNames = [] {
    std::array<std::string_view, kRoutes.size() + 1> names{};
    for (size_t i = 0; i < kRoutes.size(); ++i) {
        names[i] = kRoutes[i].name;
    }
    names[kRoutes.size()] = "unmatched";
    return names;
}();
static_assert(kRouteNames.size() <= kMaxRoutes, "grow kMaxRoutes in metrics.hpp");

/// Matches `path` against `pattern`; on success sets `parameter` to the {id} segment.
bool matches(std::string_view pattern, std::string_view path, std::string& parameter) {
    constexpr std::string_view kPlaceholder = "{id}";
    const size_t at = pattern.find(kPlaceholder);
    if (at == std::string_view::npos) {
        return pattern == path;
    }
    const std::string_view prefix = pattern.substr(0, at);
    const std::string_view suffix = pattern.substr(at + kPlaceholder.size());
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix) {
        return false;
    }
    const std::string_view segment =
        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (segment.find('/') != std::string_view::npos) {
        return false;
    }
    parameter.assign(segment);
    return true;
}

}  // namespace

RouteMatch route(std::string_view method, std::string_view path) {
    if (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    // nginx drops the body of a HEAD response itself: HEAD is GET without the body.
    const std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;
    std::string allowed;
    for (size_t i = 0; i < kRoutes.size(); ++i) {
        const RouteEntry& entry = kRoutes[i];
        std::string parameter;
        if (!matches(entry.pattern, path, parameter)) {
            continue;
        }
        if (entry.method == effective) {
            return RouteMatch{entry.handler,
                              entry.batch,
                              entry.prefetch,
                              entry.batch_read,
                              entry.access,
                              std::move(parameter),
                              i};
        }
        if (!allowed.empty()) {
            allowed += ", ";
        }
        allowed += entry.method;
        if (entry.method == "GET") {
            allowed += ", HEAD";
        }
    }
    if (allowed.empty()) {
        throw error_with_status(404, "no route for " + std::string(path));
    }
    ApiError error = error_with_status(405, std::string(method) + " is not allowed on " +
                                                std::string(path) + "; allowed: " + allowed);
    error.headers.emplace_back("Allow", allowed);
    throw error;
}

const std::string_view* route_names() {
    return kRouteNames.data();
}

size_t route_count() {
    return kRouteNames.size();
}

}  // namespace pms::api
