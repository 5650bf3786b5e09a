/// Prepared calls of the api functions and the translation of PostgreSQL errors.
#include "fcgi/database.hpp"

#include <poll.h>

#include <cstdint>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string_view>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/redact.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/sqlstate.hpp"

namespace pms::api {

namespace {

struct Statement {
    const char* name;
    const char* sql;
};

// The statements every connection prepares: one per api function, plus a liveness probe.
// The JSON comes back as text so that it reaches the client byte for byte as PostgreSQL built
// it; the id (for Location) and the version (for the cache) come from the same statement, so the
// JSON is never parsed here. The batch functions return them as columns of their own; from the
// single api.get_product (a product outside a batch, or the not-found error) they are read out of
// its document.
constexpr Statement kStatements[] = {
    {"create_user",
     "select u::text, u->>'id' from api.create_user($1::bigint, $2::boolean, $3, $4) as u"},
    {"get_product",
     "select p::text, p->>'id', p->>'version' from api.get_product($1::bigint) as p"},
    {"get_products",
     "select p.doc::text, p.product_id, p.version from api.get_products($1::bigint[]) as p"},
    {"list_products",
     "select api.list_products($1::bigint, $2::numeric, $3::numeric, $4, $5::int, $6)::text"},
    {"delete_product", "select api.delete_product($1::bigint, $2::boolean, $3::bigint, $4)::text"},
    // The batch statements: one row per call, in the order of the calls.
    // The owner (user_id) too: the seller whose cached pages the write changed.
    {"create_products",
     "select r.doc::text, r.product_id, r.version, r.error_sqlstate, r.error_message, "
     "r.error_detail, r.doc->>'user_id' from api.create_products($1::jsonb, $2::boolean) as r "
     "order by r.n"},
    {"update_products",
     "select r.doc::text, r.product_id, r.version, r.error_sqlstate, r.error_message, "
     "r.error_detail, r.doc->>'user_id' from api.update_products($1::jsonb, $2::boolean) as r "
     "order by r.n"},
    {"ping", "select ''"},
};

/// The name of the statement of kStatements called `name`. Every caller binds it to a constexpr,
/// so a name that is not in the table does not compile.
constexpr const char* prepared(std::string_view name) {
    for (const Statement& statement : kStatements) {
        if (name == statement.name) {
            return statement.name;
        }
    }
    throw std::logic_error("no such statement");
}

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
        for (const Statement& statement : kStatements) {
            connection.prepare(statement.name, statement.sql);
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

std::vector<CallResult> Database::rows(const char* statement, const std::vector<Param>& params) {
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
/// failed, nothing there and the SQLSTATE, message and DETAIL after; then the owner.
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
            out.emplace_back(
                CallResult{row[0].c_str(), row[1].c_str(), row[2].c_str(), row[6].c_str()});
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

std::optional<std::vector<BatchOutcome>> Database::batch(
    const char* statement, const std::vector<std::vector<Param>>& calls,
    const std::vector<Param>& params, const BeforeCommit& before_commit) {
    if (!before_commit) {
        return batch_outcomes(exec(statement, batch_params(calls, params)), calls.size());
    }
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

pqxx::result Database::exec(const char* statement, const std::vector<Param>& params,
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
            return work.exec_prepared(statement, dynamic_params);
        }
        pqxx::work work(conn);
        pqxx::result result = work.exec_prepared(statement, dynamic_params);
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

namespace {

// Each api function's arguments in the order of its parameters (db/functions/api.*.sql): the one
// place where the fields of a call meet $1, $2, ... The batch functions take the arguments of
// the single one (api.create_product, api.update_product) for each call.

Param text(const std::optional<std::int64_t>& number) {
    return number ? Param(std::to_string(*number)) : std::nullopt;
}

const char* text(bool value) {
    return value ? "true" : "false";
}

std::vector<Param> arguments(const UserCreation& call) {
    return {text(call.actor.user_id),  // p_actor_id
            text(call.actor.admin),    // p_actor_is_admin
            call.name,                 // p_name
            call.request_id};          // p_request_id
}

std::vector<Param> arguments(const ListFilters& filters) {
    return {filters.user_id,        // p_user_id
            filters.min_price,      // p_min_price
            filters.max_price,      // p_max_price
            filters.name_contains,  // p_name_contains
            filters.limit,          // p_limit
            filters.cursor};        // p_cursor
}

std::vector<Param> arguments(const ProductDeletion& call) {
    return {text(call.actor.user_id),  // p_actor_id
            text(call.actor.admin),    // p_actor_is_admin
            call.id,                   // p_id
            call.request_id};          // p_request_id
}

std::vector<Param> arguments(const ProductCreation& call) {
    const ProductFields& fields = call.product.fields;
    return {text(call.actor.user_id),  // p_actor_id
            text(call.actor.admin),    // p_actor_is_admin
            call.product.user_id,      // p_user_id
            fields.name,               // p_name
            fields.description,        // p_description
            fields.price,              // p_price
            fields.images,             // p_images
            call.request_id};          // p_request_id
}

std::vector<Param> arguments(const ProductUpdate& call) {
    return {text(call.actor.user_id),  // p_actor_id
            text(call.actor.admin),    // p_actor_is_admin
            call.id,                   // p_id
            call.fields.name,          // p_name
            call.fields.description,   // p_description
            call.fields.price,         // p_price
            call.fields.images,        // p_images
            call.request_id};          // p_request_id
}

template <typename Call>
std::vector<std::vector<Param>> batch_arguments(const std::vector<Call>& calls) {
    std::vector<std::vector<Param>> all;
    all.reserve(calls.size());
    for (const Call& call : calls) {
        all.push_back(arguments(call));
    }
    return all;
}

/// A PostgreSQL array literal of ids; every id is digits only (is_product_id).
std::string id_array(const std::vector<std::string>& ids) {
    std::string array = "{";
    for (const std::string& id : ids) {
        array += id;
        array += ',';
    }
    if (ids.empty()) {
        array += '}';
    } else {
        array.back() = '}';
    }
    return array;
}

}  // namespace

CallResult Database::create_user(const UserCreation& call) {
    constexpr const char* kStatement = prepared("create_user");
    std::vector<CallResult> created = rows(kStatement, arguments(call));
    return created.empty() ? CallResult{} : std::move(created.front());
}

CallResult Database::get_product(const std::string& id) {
    constexpr const char* kStatement = prepared("get_product");
    std::vector<CallResult> product = rows(kStatement, {id});
    return product.empty() ? CallResult{} : std::move(product.front());
}

std::vector<CallResult> Database::get_products(const std::vector<std::string>& ids) {
    constexpr const char* kStatement = prepared("get_products");
    return rows(kStatement, {id_array(ids)});
}

std::string Database::list_products(const ListFilters& filters) {
    constexpr const char* kStatement = prepared("list_products");
    std::vector<CallResult> page = rows(kStatement, arguments(filters));
    return page.empty() ? std::string() : std::move(page.front().json);
}

std::string Database::delete_product(const ProductDeletion& call) {
    constexpr const char* kStatement = prepared("delete_product");
    std::vector<CallResult> owner = rows(kStatement, arguments(call));
    return owner.empty() ? std::string() : std::move(owner.front().json);
}

std::vector<BatchOutcome> Database::create_products(const std::vector<ProductCreation>& calls,
                                                    bool pages_frozen) {
    constexpr const char* kStatement = prepared("create_products");
    const Param caller_invalidates = text(pages_frozen);
    return *batch(kStatement, batch_arguments(calls), {caller_invalidates}, nullptr);
}

std::vector<BatchOutcome> Database::update_products(const std::vector<ProductUpdate>& calls) {
    constexpr const char* kStatement = prepared("update_products");
    const Param caller_invalidates = text(false);
    return *batch(kStatement, batch_arguments(calls), {caller_invalidates}, nullptr);
}

std::optional<std::vector<BatchOutcome>> Database::update_products(
    const std::vector<ProductUpdate>& calls, const BeforeCommit& invalidate) {
    constexpr const char* kStatement = prepared("update_products");
    // The caller invalidates the cache itself, so the database writes no events for that.
    const Param caller_invalidates = text(true);
    return batch(kStatement, batch_arguments(calls), {caller_invalidates}, invalidate);
}

std::chrono::microseconds Database::ping() {
    constexpr const char* kStatement = prepared("ping");
    const auto start = std::chrono::steady_clock::now();
    rows(kStatement, {});
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace pms::api
