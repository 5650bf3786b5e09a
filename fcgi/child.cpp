/// The child's request loop: read the request, route it, write the response, log one line.
#include "fcgi/child.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>

#include "common/log.hpp"
#include "common/stop_signal.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/connections.hpp"
#include "fcgi/context.hpp"
#include "fcgi/request_id.hpp"
#include "fcgi/router.hpp"

namespace pms::api {

namespace {

void install_signal_handlers(pid_t master) {
    // The master blocks signals to wait for them; a child handles them itself: SIGTERM ends
    // the wait in poll() and the child stops between requests (pms::stop_requested).
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

/// The route a request took, for the log line and the metrics.
struct RouteTaken {
    std::string_view name = "unmatched";
    size_t index = route_count() - 1;
};

Response handle(Context& context, FcgiConnection& fcgi, Request& request, const ApiConfig& config,
                RouteTaken& taken) {
    try {
        read_request(fcgi, config, request);
        const RouteMatch match = route(request.method, request.path);
        taken = RouteTaken{match.name, match.index};
        return match.handler(context, request, match.path_parameter);
    } catch (const ApiError& error) {
        return error_response(error, request.request_id);
    } catch (const std::exception& error) {
        // A bug or an unexpected library failure: the client learns nothing internal.
        log::error("unhandled error", {{"error", error.what()}});
        return error_response(error_with_status(500, "internal error"), request.request_id);
    }
}

}  // namespace

int run_child(int listen_fd, const ApiConfig& config, Metrics& metrics) {
    install_signal_handlers(getppid());
    FcgiConnection::init_library();

    Database database(config.database_url);
    ProductCache cache(redis::Endpoint::parse(config.redis_url), config.cache_ttl);
    Context context{database, cache, metrics};
    Connections connections(listen_fd);
    log::info("child ready");
    metrics.child_ready();

    while (FcgiConnection* next = connections.next(stop_requested)) {
        FcgiConnection& fcgi = *next;
        const auto start = std::chrono::steady_clock::now();
        Request request;
        request.request_id =
            choose_request_id(fcgi.param("HTTP_X_REQUEST_ID"), fcgi.param("REQUEST_ID"));
        log::set_request_id(request.request_id);
        RouteTaken taken;

        const Response response = handle(context, fcgi, request, config, taken);
        fcgi.write(response_head(response, request.request_id));
        if (request.method != "HEAD") {
            fcgi.write(response.body);
        }
        connections.done(fcgi);

        const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
        metrics.record(taken.index, response.status, duration, response.cache);
        log::info("request", {{"method", request.method},
                              {"path", request.path},
                              {"route", std::string(taken.name)},
                              {"status", response.status},
                              {"duration_ms", static_cast<double>(duration.count()) / 1000.0},
                              {"cache", response.cache}});
        log::set_request_id("");
    }
    log::info("child stopping");
    return 0;
}

}  // namespace pms::api
