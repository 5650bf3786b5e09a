#pragma once
/// The child's PostgreSQL connection: each api function is one prepared statement, named once,
/// and every database error leaves here as an ApiError with the status of the SQLSTATE table.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fcgi/api_error.hpp"

namespace pqxx {
class result;
}

namespace pms::api {

/// The statements pms-api runs: one per api function, plus a liveness probe.
enum class Statement {
    kCreateUser,
    kCreateProducts,
    kGetProduct,
    kGetProducts,
    kListProducts,
    kUpdateProducts,
    kDeleteProduct,
    kPing,
};

/// A statement parameter in text form; nothing is SQL NULL.
using Param = std::optional<std::string>;

/// What a statement returned: the JSON that PostgreSQL built and, where the statement returns a
/// product or a user, its id (for Location) and its version (for the cache).
struct CallResult {
    std::string json;
    std::string id;
    std::string version;
};

/// What one call of a batch gave: its result, or the error it raised (as Database::call throws it).
using BatchOutcome = std::variant<CallResult, ApiError>;

/// The client-facing parts of a PostgreSQL error message.
struct PgMessage {
    std::string message;  ///< the primary message
    std::string detail;   ///< the DETAIL line, "" when absent
};

/// Splits libpq's error text ("ERROR:  ...\nDETAIL:  ...\n") into its parts.
PgMessage parse_pg_message(std::string_view text);

class Database {
public:
    explicit Database(std::string url);
    ~Database();

    /// Runs `statement` with `params`; throws ApiError (4xx from the function's SQLSTATE,
    /// 503 while PostgreSQL is unreachable).
    CallResult call(Statement statement, const std::vector<Param>& params);
    /// The same for a statement that returns a row per result (kGetProducts).
    std::vector<CallResult> rows(Statement statement, const std::vector<Param>& params);

    /// Runs a batch statement (kCreateProducts, kUpdateProducts): every element of `calls` is the
    /// parameters of one call of the single api function, and all run in one transaction, each
    /// failing or succeeding on its own; `params` follow the calls (kUpdateProducts: whether the
    /// caller invalidates the cache itself). Returns one outcome per call, in order; throws
    /// ApiError like call() when the batch as a whole fails (then nothing of it is kept).
    std::vector<BatchOutcome> batch(Statement statement,
                                    const std::vector<std::vector<Param>>& calls,
                                    const std::vector<Param>& params = {});
    /// The same, with `before_commit` run on the outcomes between the statement and its COMMIT:
    /// when it returns false the transaction is rolled back, and this returns nothing.
    using BeforeCommit = std::function<bool(const std::vector<BatchOutcome>&)>;
    std::optional<std::vector<BatchOutcome>> batch(Statement statement,
                                                   const std::vector<std::vector<Param>>& calls,
                                                   const std::vector<Param>& params,
                                                   const BeforeCommit& before_commit);

    /// A round trip to PostgreSQL; throws ApiError when it is down.
    std::chrono::microseconds ping();

private:
    /// Runs `statement`; every error leaves as an ApiError. With `before_commit`, in a
    /// transaction that commits only if it returns true on the result; `committed` says which.
    pqxx::result exec(Statement statement, const std::vector<Param>& params,
                      const std::function<bool(const pqxx::result&)>& before_commit = nullptr,
                      bool* committed = nullptr);

    /// The libpqxx connection with its prepared statements (kept out of this header).
    struct Session;
    Session& session();

    std::string url_;
    std::unique_ptr<Session> session_;
};

}  // namespace pms::api
