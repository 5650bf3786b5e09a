/// libpqxx calls of the api functions, with reconnection when PostgreSQL is unreachable.
#include "worker/pipeline/job_store.hpp"

#include <pqxx/pqxx>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/pg_error.hpp"
#include "common/redact.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/reconnect.hpp"

namespace pms::worker {

namespace {

// Statement names, prepared once per connection. The ::text casts hand the jsonb over as the
// text PostgreSQL wrote, parsed once here.
constexpr const char* kStart = "start_image_job";
constexpr const char* kComplete = "complete_image_job";
constexpr const char* kFail = "fail_image_job";

void prepare_statements(pqxx::connection& connection) {
    connection.prepare(kStart, "select api.start_image_job($1, $2)::text");
    connection.prepare(kComplete, "select api.complete_image_job($1, $2, $3, $4, $5, $6)::text");
    connection.prepare(kFail, "select api.fail_image_job($1, $2, $3)::text");
}

/// NULL for an empty request id, so the triggers see "no request" rather than "".
const char* nullable(const std::string& text) {
    return text.empty() ? nullptr : text.c_str();
}

/// The "status" member of what complete_image_job and fail_image_job return.
std::string status_of(const Json::Value& result, const char* function) {
    if (!result.isObject() || !result["status"].isString()) {
        throw transient_failure(ClientMessage::internal_error(),
                                std::string("database: ") + function + " returned no status");
    }
    return result["status"].asString();
}

std::string single_value(const pqxx::result& result) {
    if (result.size() != 1 || result[0][0].is_null()) {
        throw transient_failure(ClientMessage::internal_error(),
                                "database: the api function returned no value");
    }
    return result[0][0].c_str();
}

/// A line about the connection, naming the job that waits for it (none at start-up: job 0).
void log_with_job(log::Level level, std::string_view message, int64_t job_id,
                  const std::string& error) {
    if (job_id > 0 && !error.empty()) {
        log::write(level, message, {{"job_id", Json::Int64(job_id)}, {"error", error}});
    } else if (job_id > 0) {
        log::write(level, message, {{"job_id", Json::Int64(job_id)}});
    } else if (!error.empty()) {
        log::write(level, message, {{"error", error}});
    } else {
        log::write(level, message, {});
    }
}

}  // namespace

StartDecision parse_start_decision(const Json::Value& result) {
    if (!result.isObject() || !result["action"].isString()) {
        throw std::runtime_error("api.start_image_job returned no action");
    }
    StartDecision decision;
    const std::string action = result["action"].asString();
    if (action == "process") {
        decision.process = true;
    } else if (action != "skip") {
        throw std::runtime_error("api.start_image_job returned the unknown action '" + action +
                                 "'");
    }
    if (result["reason"].isString()) {
        decision.reason = result["reason"].asString();
    }
    if (result["attempts"].isInt()) {
        decision.attempts = result["attempts"].asInt();
    }
    if (result["product_id"].isInt64()) {
        decision.product_id = result["product_id"].asInt64();
    }
    if (result["position"].isInt()) {
        decision.position = result["position"].asInt();
    }
    if (result["source_url"].isString()) {
        decision.source_url = result["source_url"].asString();
    }
    if (decision.process && (decision.product_id <= 0 || decision.source_url.empty())) {
        throw std::runtime_error(
            "api.start_image_job said process without product_id and source_url");
    }
    return decision;
}

struct PgJobStore::Session {
    explicit Session(const std::string& url) : connection(url) { prepare_statements(connection); }
    pqxx::connection connection;
};

PgJobStore::PgJobStore(std::string url, Pause pause)
    : url_(std::move(url)), pause_(std::move(pause)) {}

PgJobStore::~PgJobStore() = default;

PgJobStore::Session& PgJobStore::session() {
    if (!session_) {
        session_ = std::make_unique<Session>(url_);
    }
    return *session_;
}

void PgJobStore::connect() {
    call(0, [](Session&) { return std::string("null"); });
}

Json::Value PgJobStore::call(int64_t job_id, const std::function<std::string(Session&)>& run) {
    Backoff reconnects = reconnect_backoff();
    while (true) {
        std::string unavailable;
        try {
            const std::string text = run(session());
            if (reconnects.failures() > 0) {
                log_with_job(log::Level::kInfo, "PostgreSQL reachable again", job_id, {});
            }
            std::string error;
            std::optional<Json::Value> value = json::parse_strict(text, &error);
            if (!value) {
                throw transient_failure(
                    ClientMessage::internal_error(),
                    "database: the api function returned invalid JSON: " + error);
            }
            return *value;
        } catch (const pqxx::failure& error) {
            if (!pg::is_unavailable(error)) {
                // A function raising, a missing function or grant: not cured by reconnecting.
                throw transient_failure(ClientMessage::internal_error(),
                                        "database: " + pg::first_line(error));
            }
            // libpq quotes a malformed URL, password and all.
            unavailable = redact_url_in(pg::first_line(error), url_);
        }
        session_.reset();
        const auto delay = reconnects.next();
        if (reconnects.failures() == 1) {
            log_with_job(log::Level::kWarn, "PostgreSQL unreachable; reconnecting with backoff",
                         job_id, unavailable);
        } else {
            log_with_job(log::Level::kDebug, "PostgreSQL still unreachable", job_id, unavailable);
        }
        if (!pause_(delay)) {
            throw Interrupted();
        }
    }
}

StartDecision PgJobStore::start(int64_t job_id, const std::string& request_id) {
    const Json::Value result = call(job_id, [&](Session& s) {
        pqxx::nontransaction tx(s.connection);
        return single_value(tx.exec_prepared(kStart, job_id, nullable(request_id)));
    });
    try {
        return parse_start_decision(result);
    } catch (const std::runtime_error& error) {
        throw transient_failure(ClientMessage::internal_error(),
                                std::string("database: ") + error.what());
    }
}

std::string PgJobStore::complete(int64_t job_id, const CompletedImage& image,
                                 const std::string& request_id) {
    const Json::Value result = call(job_id, [&](Session& s) {
        pqxx::nontransaction tx(s.connection);
        return single_value(tx.exec_prepared(kComplete, job_id, image.compressed_url, image.width,
                                             image.height, image.bytes, nullable(request_id)));
    });
    return status_of(result, "api.complete_image_job");
}

std::string PgJobStore::fail(int64_t job_id, const ClientMessage& error,
                             const std::string& request_id) {
    const Json::Value result = call(job_id, [&](Session& s) {
        pqxx::nontransaction tx(s.connection);
        return single_value(tx.exec_prepared(kFail, job_id, error.text(), nullable(request_id)));
    });
    return status_of(result, "api.fail_image_job");
}

}  // namespace pms::worker
