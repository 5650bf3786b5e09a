#pragma once
/// The route table: method and path pattern to handler, with 404 and 405 (and Allow) for
/// everything else.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fcgi/context.hpp"
#include "fcgi/http.hpp"

namespace pms::api {

/// A handler gets the path parameter ({id}) as text, "" where the route has none.
using Handler = Response (*)(Context&, const Request&, std::string_view path_parameter);

/// What a route's handler will read from the cache, announced before a batch of requests is
/// handled so that one round trip serves the whole batch (ProductCache::prefetch). Returns the key
/// the answer is cached under (ProductCache::has_prefetched_copy), "" when the request is not
/// answered from the cache.
using Prefetch = std::string (*)(Context&, const Request&, std::string_view path_parameter);

/// What a route's requests that the cache did not answer need from PostgreSQL, read for all of a
/// batch's requests of that route at once (ProductReads), before their handlers run.
using BatchRead = void (*)(Context&, const std::vector<std::string>& path_parameters);

/// A request that its route's batch handler answers together with the batch's other requests of
/// that route.
struct BatchItem {
    const Request* request;
    std::string_view path_parameter;
    std::optional<Response> response;  ///< what the batch handler answered
};

/// Answers a batch's requests of one route with one database call for all of them (writes: one
/// transaction, one commit). Sets every item's response; throws ApiError when the call as a whole
/// failed, and then every item without a response gets that error.
using BatchHandler = void (*)(Context&, std::vector<BatchItem>& items);

/// Who may call a route: anyone (health, metrics: nginx keeps /metrics to itself); a reader
/// (anyone, or any valid token with PMS_AUTH_READS=authenticated); a writer, who needs a token.
enum class Access { kOpen, kRead, kWrite };

struct RouteMatch {
    Handler handler = nullptr;  ///< null for a route answered by a batch handler
    BatchHandler batch = nullptr;
    Prefetch prefetch = nullptr;  ///< for routes that read the cache
    BatchRead batch_read = nullptr;
    Access access = Access::kOpen;
    std::string path_parameter;
    /// Position in the route table: route_names()[index] names it in logs and metrics.
    size_t index = 0;

    bool routed() const { return handler != nullptr || batch != nullptr; }
};

/// The handler for `method` and `path`; throws ApiError 404 or 405.
RouteMatch route(std::string_view method, std::string_view path);

/// The names of the routes in table order, then "unmatched" for requests that matched none (its
/// index is route_count() - 1).
const std::string_view* route_names();
size_t route_count();

}  // namespace pms::api
