/// Prepared calls of the api functions and the translation of PostgreSQL errors.
#include "fcgi/database.hpp"

#include <poll.h>

#include <pqxx/pqxx>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/redact.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/sqlstate.hpp"

namespace pms::api {

namespace {

struct StatementDefinition {
    const char* name;
    const char* sql;
};

// The JSON comes back as text so that it reaches the client byte for byte as PostgreSQL built
// it; the id (for Location) and the version (for the cache) come from the same statement, so the
// JSON is never parsed here.
const StatementDefinition& definition(Statement statement) {
    static const StatementDefinition kCreateUser{
        "create_user",
        "select u::text, u->>'id' from api.create_user($1::bigint, $2::boolean, $3, $4) as u"};
    // The batch statements: one row per call, in the order of the calls.
    static const StatementDefinition kCreateProducts{
        "create_products",
        "select r.doc::text, r.doc->>'id', r.doc->>'version', r.error_sqlstate, r.error_message, "
        "r.error_detail from api.create_products($1::jsonb) as r order by r.n"};
    static const StatementDefinition kGetProduct{
        "get_product",
        "select p::text, p->>'id', p->>'version' from api.get_product($1::bigint) as p"};
    static const StatementDefinition kGetProducts{
        "get_products",
        "select p::text, p->>'id', p->>'version' from api.get_products($1::bigint[]) as p"};
    static const StatementDefinition kListProducts{
        "list_products",
        "select api.list_products($1::bigint, $2::numeric, $3::numeric, $4, $5::int, $6)::text"};
    static const StatementDefinition kUpdateProducts{
        "update_products",
        "select r.doc::text, r.doc->>'id', r.doc->>'version', r.error_sqlstate, r.error_message, "
        "r.error_detail from api.update_products($1::jsonb, $2::boolean) as r order by r.n"};
    static const StatementDefinition kDeleteProduct{
        "delete_product",
        "select api.delete_product($1::bigint, $2::boolean, $3::bigint, $4)::text"};
    static const StatementDefinition kPing{"ping", "select ''"};
    switch (statement) {
        case Statement::kCreateUser: return kCreateUser;
        case Statement::kCreateProducts: return kCreateProducts;
        case Statement::kGetProduct: return kGetProduct;
        case Statement::kGetProducts: return kGetProducts;
        case Statement::kListProducts: return kListProducts;
        case Statement::kUpdateProducts: return kUpdateProducts;
        case Statement::kDeleteProduct: return kDeleteProduct;
        case Statement::kPing: return kPing;
    }
    throw std::logic_error("unknown statement");
}

constexpr Statement kAllStatements[] = {
    Statement::kCreateUser,    Statement::kCreateProducts, Statement::kGetProduct,
    Statement::kGetProducts,   Statement::kListProducts,   Statement::kUpdateProducts,
    Statement::kDeleteProduct, Statement::kPing,
};

ApiError unavailable(const std::string& why) {
    log::warn("postgresql unavailable", {{"error", why}});
    ApiError error = error_with_status(503, "the database is unavailable, retry shortly");
    error.headers.emplace_back("Retry-After", "1");
    return error;
}

std::string trim_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

/// The error a client gets for an error PostgreSQL raised: the status of the SQLSTATE table, with
/// the message and the DETAIL object of a broken rule; an internal error is logged and hidden.
ApiError error_for_sqlstate(const std::string& sqlstate, const PgMessage& parts) {
    const int status = http_status_for_sqlstate(sqlstate);
    if (status >= 500) {
        log::error("database error", {{"sqlstate", sqlstate}, {"error", parts.message}});
        return status == 503 ? unavailable(parts.message)
                             : error_with_status(500, "internal error");
    }
    Json::Value details(Json::arrayValue);
    if (!parts.detail.empty()) {
        // The api functions put a JSON object naming the field into DETAIL.
        if (auto detail = json::parse_strict(parts.detail, nullptr); detail && detail->isObject()) {
            details.append(*detail);
        }
    }
    return error_with_status(status, parts.message, details);
}

}  // namespace

PgMessage parse_pg_message(std::string_view text) {
    PgMessage parts;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        auto value_after = [&](std::string_view label) -> std::optional<std::string> {
            if (line.rfind(label, 0) != 0) {
                return std::nullopt;
            }
            std::string_view value = line.substr(label.size());
            while (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            return trim_line(value);
        };
        if (parts.message.empty()) {
            if (auto value = value_after("ERROR:")) {
                parts.message = *value;
                continue;
            }
        }
        if (auto value = value_after("DETAIL:")) {
            parts.detail = *value;
        }
    }
    if (parts.message.empty()) {
        parts.message = trim_line(text.substr(0, text.find('\n')));
    }
    return parts;
}

struct Database::Session {
    explicit Session(const std::string& url) : connection(url) {
        for (Statement statement : kAllStatements) {
            const StatementDefinition& d = definition(statement);
            connection.prepare(d.name, d.sql);
        }
    }

    /// False when the server has closed this idle connection (a restart, an administrator's
    /// pg_terminate_backend): it then sent its last words and EOF, so the socket is readable
    /// although no query is running. Checked before every statement, so that a request after a
    /// restart runs on a new connection instead of failing (and a write never runs twice).
    bool alive() const {
        const int fd = connection.sock();
        if (fd < 0) {
            return false;
        }
        pollfd poll_fd{fd, POLLIN | POLLRDHUP, 0};
        return ::poll(&poll_fd, 1, 0) == 0;
    }

    pqxx::connection connection;
};

Database::Database(std::string url) : url_(std::move(url)) {}

Database::~Database() = default;

Database::Session& Database::session() {
    if (session_ && (!session_->connection.is_open() || !session_->alive())) {
        log::info("postgresql connection lost, reconnecting");
        session_.reset();
    }
    if (!session_) {
        try {
            session_ = std::make_unique<Session>(url_);
            log::info("connected to postgresql");
        } catch (const pqxx::broken_connection& e) {
            // libpq quotes a malformed URL, password and all.
            throw unavailable(redact_url_in(e.what(), url_));
        }
    }
    return *session_;
}

CallResult Database::call(Statement statement, const std::vector<Param>& params) {
    std::vector<CallResult> results = rows(statement, params);
    return results.empty() ? CallResult{} : std::move(results.front());
}

std::vector<CallResult> Database::rows(Statement statement, const std::vector<Param>& params) {
    std::vector<CallResult> out;
    for (const pqxx::row& row : exec(statement, params)) {
        if (row[0].is_null()) {
            continue;
        }
        CallResult& call_result = out.emplace_back();
        call_result.json = row[0].c_str();
        if (row.size() > 1 && !row[1].is_null()) {
            call_result.id = row[1].c_str();
        }
        if (row.size() > 2 && !row[2].is_null()) {
            call_result.version = row[2].c_str();
        }
    }
    return out;
}

namespace {

/// Encodes a batch's calls for a batch statement: a JSON array of arrays of strings and nulls.
std::string batch_calls_json(const std::vector<std::vector<Param>>& calls) {
    Json::Value array(Json::arrayValue);
    for (const std::vector<Param>& params : calls) {
        Json::Value& call = array.append(Json::Value(Json::arrayValue));
        for (const Param& param : params) {
            call.append(param ? Json::Value(*param) : Json::Value());
        }
    }
    return json::compact(array);
}

/// A batch statement's rows, one per call: the document, id and version; or, for a call that
/// failed, nothing there and the SQLSTATE, message and DETAIL after.
std::vector<BatchOutcome> batch_outcomes(const pqxx::result& result, size_t calls) {
    if (result.size() != calls) {
        throw std::logic_error("a batch statement returned " + std::to_string(result.size()) +
                               " rows for " + std::to_string(calls) + " calls");
    }
    std::vector<BatchOutcome> out;
    out.reserve(result.size());
    for (const pqxx::row& row : result) {
        if (row[0].is_null()) {
            out.emplace_back(
                error_for_sqlstate(row[3].c_str(), PgMessage{row[4].c_str(), row[5].c_str()}));
        } else {
            out.emplace_back(CallResult{row[0].c_str(), row[1].c_str(), row[2].c_str()});
        }
    }
    return out;
}

std::vector<Param> batch_params(const std::vector<std::vector<Param>>& calls,
                                const std::vector<Param>& params) {
    std::vector<Param> all{batch_calls_json(calls)};
    all.insert(all.end(), params.begin(), params.end());
    return all;
}

}  // namespace

std::vector<BatchOutcome> Database::batch(Statement statement,
                                          const std::vector<std::vector<Param>>& calls,
                                          const std::vector<Param>& params) {
    return batch_outcomes(exec(statement, batch_params(calls, params)), calls.size());
}

std::optional<std::vector<BatchOutcome>> Database::batch(
    Statement statement, const std::vector<std::vector<Param>>& calls,
    const std::vector<Param>& params, const BeforeCommit& before_commit) {
    std::vector<BatchOutcome> outcomes;
    bool committed = false;
    exec(
        statement, batch_params(calls, params),
        [&](const pqxx::result& result) {
            outcomes = batch_outcomes(result, calls.size());
            return before_commit(outcomes);
        },
        &committed);
    if (!committed) {
        return std::nullopt;
    }
    return outcomes;
}

pqxx::result Database::exec(Statement statement, const std::vector<Param>& params,
                            const std::function<bool(const pqxx::result&)>& before_commit,
                            bool* committed) {
    pqxx::connection& conn = session().connection;
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& param : params) {
        values.push_back(param ? param->c_str() : nullptr);
    }
    try {
        const auto dynamic_params =
            pqxx::prepare::make_dynamic_params(values.begin(), values.end());
        if (!before_commit) {
            // One statement in autocommit: the function's work is one transaction, with no
            // BEGIN/COMMIT round trips around it.
            pqxx::nontransaction work(conn);
            return work.exec_prepared(definition(statement).name, dynamic_params);
        }
        pqxx::work work(conn);
        pqxx::result result = work.exec_prepared(definition(statement).name, dynamic_params);
        if (before_commit(result)) {
            work.commit();
            *committed = true;
        } else {
            work.abort();
        }
        return result;
    } catch (const pqxx::broken_connection& e) {
        session_.reset();
        throw unavailable(e.what());
    } catch (const pqxx::insufficient_privilege& e) {
        // libpqxx 6.4 throws this one without its SQLSTATE.
        throw error_for_sqlstate("42501", parse_pg_message(e.what()));
    } catch (const pqxx::sql_error& e) {
        throw error_for_sqlstate(e.sqlstate(), parse_pg_message(e.what()));
    } catch (const pqxx::in_doubt_error& e) {
        // The connection broke during COMMIT: the writes may or may not have happened. The
        // client is told to retry, as for any lost connection.
        session_.reset();
        throw unavailable(e.what());
    } catch (const pqxx::transaction_rollback& e) {
        // Serialisation failures and deadlocks: the client may simply retry.
        throw unavailable(e.what());
    }
}

std::chrono::microseconds Database::ping() {
    const auto start = std::chrono::steady_clock::now();
    call(Statement::kPing, {});
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace pms::api
