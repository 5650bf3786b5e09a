/// The child's request loop: read the requests, route them, answer from the cache or on the
/// lanes, write the responses, log one line each.
#include "fcgi/child.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <vector>

#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/authenticate.hpp"
#include "fcgi/connections.hpp"
#include "fcgi/context.hpp"
#include "fcgi/lanes.hpp"
#include "fcgi/request_id.hpp"
#include "fcgi/router.hpp"

namespace pms::api {

namespace {

void install_signal_handlers(pid_t master) {
    // The master blocks signals to wait for them; a child handles them itself: SIGTERM ends
    // the wait in epoll_wait() and the child stops between requests (pms::stop_requested).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    install_stop_handlers();
    signal(SIGHUP, SIG_IGN);

    // Die with the master, so no orphan keeps serving with stale code or settings.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != master) {
        std::_Exit(0);
    }
}

std::string_view param_or_empty(const FcgiConnection& fcgi, const char* name) {
    const char* value = fcgi.param(name);
    return value != nullptr ? std::string_view(value) : std::string_view();
}

/// Fills `request` from what nginx passed; throws ApiError 413 for a body over the limit.
void read_request(FcgiConnection& fcgi, const ApiConfig& config, Request& request) {
    request.method = param_or_empty(fcgi, "REQUEST_METHOD");
    // DOCUMENT_URI is the decoded, normalised path (nginx's $document_uri).
    request.path = param_or_empty(fcgi, "DOCUMENT_URI");
    if (request.path.empty()) {
        const std::string_view uri = param_or_empty(fcgi, "REQUEST_URI");
        request.path = uri.substr(0, uri.find('?'));
    }
    request.query = param_or_empty(fcgi, "QUERY_STRING");
    request.content_type = param_or_empty(fcgi, "CONTENT_TYPE");
    request.cache_control = param_or_empty(fcgi, "HTTP_CACHE_CONTROL");
    const std::string_view length_text = param_or_empty(fcgi, "CONTENT_LENGTH");
    const unsigned long long length =
        length_text.empty() ? 0 : std::strtoull(std::string(length_text).c_str(), nullptr, 10);
    if (length > config.max_body_bytes) {
        throw error_with_status(
            413, "request body is larger than " + std::to_string(config.max_body_bytes) + " bytes");
    }
    request.body = fcgi.read_body(static_cast<size_t>(length));
}

/// One request of a batch, from its arrival to its log line.
struct Exchange {
    explicit Exchange(FcgiConnection& connection) : fcgi(connection) {}

    FcgiConnection& fcgi;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    Request request;
    RouteMatch match;  ///< not routed() until routed; a 401 is an early answer to a routed one
    /// The answer: a 404, 405 or 413 known before any handler runs, or the handler's.
    std::optional<Response> response;
    /// Where the cache holds the answer (the route's Prefetch), "" when it does not.
    std::string cache_key;
    /// The batch's cache read found no copy: the lane need not ask Redis again. For a page, the
    /// seller's generation that read found, which the lane stores the page under.
    bool cache_missed = false;
    std::string cache_generation;
};

/// Runs one step of a request; an ApiError becomes its error response, anything else a 500 that
/// tells the client nothing internal.
template <typename Step>
auto answering_errors(const Request& request, Step&& step) -> decltype(step()) {
    try {
        return step();
    } catch (const ApiError& error) {
        return error_response(error, request.request_id);
    } catch (const std::exception& error) {
        // A bug or an unexpected library failure.
        log::error("unhandled error", {{"error", error.what()}});
        return error_response(error_with_status(500, "internal error"), request.request_id);
    }
}

/// Reads, routes and authenticates the request on `fcgi`, announcing what its handler will read
/// from the cache.
void begin(Exchange& exchange, Context& context, Authenticator& authenticator,
           const ApiConfig& config) {
    Request& request = exchange.request;
    request.request_id = choose_request_id(exchange.fcgi.param("HTTP_X_REQUEST_ID"),
                                           exchange.fcgi.param("REQUEST_ID"));
    log::set_request_id(request.request_id);
    exchange.response = answering_errors(request, [&]() -> std::optional<Response> {
        read_request(exchange.fcgi, config, request);
        exchange.match = route(request.method, request.path);
        if (exchange.match.access != Access::kOpen) {
            request.principal = authenticator.authenticate(
                param_or_empty(exchange.fcgi, "HTTP_AUTHORIZATION"),
                exchange.match.access == Access::kWrite || config.reads_need_token);
        }
        return std::nullopt;
    });
    if (!exchange.response && exchange.match.prefetch != nullptr) {
        exchange.cache_key =
            exchange.match.prefetch(context, request, exchange.match.path_parameter);
    }
}

/// Whether the batch's cache read answered the request: its handler then takes microseconds.
bool cache_answers(const Exchange& exchange, const ProductCache& cache) {
    return !exchange.cache_key.empty() && cache.has_prefetched_copy(exchange.cache_key);
}

/// Runs the handler of a routed request with `context` (the child's, or a lane's).
void respond(Exchange& exchange, Context& context) {
    const Request& request = exchange.request;
    log::set_request_id(request.request_id);
    exchange.response = answering_errors(request, [&] {
        return exchange.match.handler(context, request, exchange.match.path_parameter);
    });
    log::set_request_id("");
}

/// Writes the answer, hands the connection back, counts and logs it.
void finish(Exchange& exchange, Metrics& metrics, Connections& connections) {
    const Request& request = exchange.request;
    const Response& response = *exchange.response;
    log::set_request_id(request.request_id);
    exchange.fcgi.write(response_head(response, request.request_id));
    if (request.method != "HEAD") {
        exchange.fcgi.write(response.body);
    }
    connections.done(exchange.fcgi);

    const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - exchange.start);
    // A request that matched no route counts under the last slot, "unmatched".
    const size_t route_index = exchange.match.routed() ? exchange.match.index : route_count() - 1;
    metrics.record(route_index, response.status, duration, response.cache);
    log::info("request", {{"method", request.method},
                          {"path", request.path},
                          {"route", std::string(route_names()[route_index])},
                          {"status", response.status},
                          {"duration_ms", static_cast<double>(duration.count()) / 1000.0},
                          {"cache", response.cache}});
    log::set_request_id("");
}

/// The requests of a batch that one lane serves together: one request; every request of a route
/// with a batch read (ProductReads), which the lane reads with one call before it runs their
/// handlers; or up to kMaxBatchCalls requests of a route with a batch handler, answered with one
/// transaction.
using Group = std::vector<Exchange*>;

/// Bounds a batch handler's transaction: each call in it holds a subtransaction id, and a backend
/// that holds more than 64 makes every snapshot of every session slower.
constexpr size_t kMaxBatchCalls = 32;
/// Below this, a transaction more costs more than the parallelism it buys: measured with 64
/// concurrent POSTs on 2 cores, groups spread evenly over 4 lanes (about 5 calls each) gave 20%
/// fewer requests per second than groups of 16 on fewer lanes.
constexpr size_t kMinBatchCalls = 16;

/// The route's key for grouping: its batch read or batch handler; null for a route without.
const void* group_key(const RouteMatch& match) {
    if (match.batch_read != nullptr) {
        return reinterpret_cast<const void*>(match.batch_read);
    }
    return reinterpret_cast<const void*>(match.batch);
}

/// Groups the waiting requests for `lane_count` lanes. A batch read's group stays whole (it is one
/// read); a batch handler's requests are spread over the lanes, so that several transactions
/// commit together, each of kMinBatchCalls to kMaxBatchCalls calls while there are that many.
std::vector<Group> group_for_lanes(const std::vector<Exchange*>& waiting, size_t lane_count) {
    std::vector<Group> batched;  // first: each answers many requests
    std::vector<Group> singles;
    for (Exchange* exchange : waiting) {
        const void* key = group_key(exchange->match);
        if (key == nullptr) {
            singles.push_back({exchange});
            continue;
        }
        const auto same = std::find_if(batched.begin(), batched.end(), [&](const Group& g) {
            return group_key(g.front()->match) == key;
        });
        if (same != batched.end()) {
            same->push_back(exchange);
        } else {
            batched.push_back({exchange});
        }
    }
    std::vector<Group> groups;
    for (Group& group : batched) {
        if (group.front()->match.batch == nullptr) {
            groups.push_back(std::move(group));
            continue;
        }
        const size_t lanes = std::max<size_t>(lane_count, 1);
        const size_t size =
            std::min(kMaxBatchCalls, std::max((group.size() + lanes - 1) / lanes, kMinBatchCalls));
        for (size_t at = 0; at < group.size(); at += size) {
            const size_t end = std::min(group.size(), at + size);
            groups.emplace_back(group.begin() + static_cast<std::ptrdiff_t>(at),
                                group.begin() + static_cast<std::ptrdiff_t>(end));
        }
    }
    groups.insert(groups.end(), std::make_move_iterator(singles.begin()),
                  std::make_move_iterator(singles.end()));
    return groups;
}

/// Answers a group of a route with a batch handler: one call for all of it.
void respond_in_batch(const Group& group, Context& lane) {
    std::vector<BatchItem> items;
    items.reserve(group.size());
    for (const Exchange* exchange : group) {
        items.push_back({&exchange->request, exchange->match.path_parameter, std::nullopt});
    }
    std::optional<ApiError> failed;
    try {
        group.front()->match.batch(lane, items);
    } catch (const ApiError& error) {
        failed = error;
    } catch (const std::exception& error) {
        log::error("unhandled error", {{"error", error.what()}});
        failed = error_with_status(500, "internal error");
    }
    for (size_t i = 0; i < group.size(); ++i) {
        const std::string& request_id = group[i]->request.request_id;
        if (items[i].response) {
            group[i]->response = std::move(items[i].response);
        } else {
            group[i]->response = error_response(
                failed ? *failed : error_with_status(500, "internal error"), request_id);
        }
    }
}

/// Serves a group on `lane`.
void respond_on_lane(const Group& group, Context& lane) {
    const RouteMatch& match = group.front()->match;
    if (match.batch != nullptr) {
        respond_in_batch(group, lane);
        lane.cache.end_batch();
        return;
    }
    if (match.batch_read != nullptr) {
        std::vector<std::string> parameters;
        for (const Exchange* exchange : group) {
            parameters.push_back(exchange->match.path_parameter);
        }
        try {
            match.batch_read(lane, parameters);
        } catch (const ApiError&) {
            // PostgreSQL is down: each handler asks again and answers the error itself.
        } catch (const std::exception& error) {
            log::error("batch read failed", {{"error", error.what()}});
        }
    }
    for (Exchange* exchange : group) {
        if (exchange->cache_missed) {
            lane.cache.remember_miss(exchange->cache_key, exchange->cache_generation);
        }
        respond(*exchange, lane);
    }
    lane.reads.clear();
    lane.cache.end_batch();
}

/// Serves the requests that arrived together: all are read and routed first, and the cache
/// answers all their reads in one round trip. Early answers and cache hits are answered at once,
/// by this thread: they take microseconds and should not wait behind a database call. Every other
/// request goes to the lanes, several at once, and is answered as soon as its lane is done. They
/// arrived together on different connections, so no client can tell the order. Log lines of the
/// batch are written together.
void serve_batch(const std::vector<FcgiConnection*>& batch, Context& context,
                 Authenticator& authenticator, Lanes& lanes, Connections& connections,
                 const ApiConfig& config) {
    const log::HeldLines held;
    std::vector<Exchange> exchanges;
    exchanges.reserve(batch.size());
    for (FcgiConnection* fcgi : batch) {
        begin(exchanges.emplace_back(*fcgi), context, authenticator, config);
    }
    log::set_request_id("");
    context.cache.fetch_prefetched();
    context.metrics.record_near_copies(context.cache.near_copies_fetched());
    std::vector<Exchange*> waiting;
    for (Exchange& exchange : exchanges) {
        if (exchange.response) {
            finish(exchange, context.metrics, connections);
        } else if (cache_answers(exchange, context.cache)) {
            respond(exchange, context);
            finish(exchange, context.metrics, connections);
        } else {
            exchange.cache_missed = !exchange.cache_key.empty() &&
                                    context.cache.has_prefetched_miss(exchange.cache_key);
            if (exchange.cache_missed) {
                exchange.cache_generation = context.cache.prefetched_generation(exchange.cache_key);
            }
            waiting.push_back(&exchange);
        }
    }
    const std::vector<Group> groups =
        group_for_lanes(waiting, static_cast<size_t>(config.database_connections));
    lanes.run(
        groups.size(), [&](Context& lane, size_t i) { respond_on_lane(groups[i], lane); },
        [&](size_t i) {
            for (Exchange* exchange : groups[i]) {
                finish(*exchange, context.metrics, connections);
            }
        });
    context.cache.end_batch();
}

}  // namespace

int run_child(int listen_fd, const ApiConfig& config, Metrics& metrics) {
    install_signal_handlers(getppid());
    FcgiConnection::init_library();

    Authenticator authenticator(config);
    Lanes lanes(config, metrics);
    // This thread answers only what the cache answers (before the lanes start, so lending it the
    // first lane's database is safe; a cache hit never uses it).
    ProductCache cache(redis::Endpoint::parse(config.redis_url), config.cache_ttl,
                       config.near_cache_bytes);
    ProductReads no_reads;
    Context context{lanes.idle_database(), cache, no_reads, metrics};
    Connections connections(listen_fd);
    log::info("child ready");
    metrics.child_ready();

    for (auto batch = connections.next_batch(stop_requested); !batch.empty();
         batch = connections.next_batch(stop_requested)) {
        serve_batch(batch, context, authenticator, lanes, connections, config);
    }
    log::info("child stopping");
    return 0;
}

}  // namespace pms::api
