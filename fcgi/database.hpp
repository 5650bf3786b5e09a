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

#include "fcgi/api_arguments.hpp"
#include "fcgi/api_error.hpp"

namespace pqxx {
class result;
}

namespace pms::api {

/// What a statement returned: the JSON that PostgreSQL built and, where the statement returns a
/// product or a user, its id (for Location) and its version (for the cache); for a written
/// product, its owner (whose cached pages changed).
struct CallResult {
    std::string json;
    std::string id;
    std::string version;
    std::string user_id;
};

/// What one call of a batch gave: its result, or the error it raised (as a single call throws it).
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

    // Each call throws ApiError: 4xx from the function's SQLSTATE, 503 while PostgreSQL is
    // unreachable.

    CallResult create_user(const UserCreation& call);
    /// One product; the not-found error when there is none.
    CallResult get_product(const std::string& id);
    /// The products of `ids` that exist (each a valid product id, no repeats), in no order.
    std::vector<CallResult> get_products(const std::vector<std::string>& ids);
    /// A page of products: the JSON document api.list_products builds.
    std::string list_products(const ListFilters& filters);
    /// Returns the deleted product's owner.
    std::string delete_product(const ProductDeletion& call);

    // The batches: all `calls` run in one transaction, each failing or succeeding on its own.
    // They return one outcome per call, in order, and throw when the batch as a whole fails
    // (then nothing of it is kept).

    /// `pages_frozen`: the caller froze the cached pages of every seller the calls may give
    /// products to, and drops them after this returns, so the database writes no event for them.
    std::vector<BatchOutcome> create_products(const std::vector<ProductCreation>& calls,
                                              bool pages_frozen);
    std::vector<BatchOutcome> update_products(const std::vector<ProductUpdate>& calls);
    /// The same, for a caller that invalidates the cache entries of the updated products itself:
    /// `invalidate` runs on the outcomes between the statement and its COMMIT, and when it
    /// returns false the transaction is rolled back and this returns nothing.
    using BeforeCommit = std::function<bool(const std::vector<BatchOutcome>&)>;
    std::optional<std::vector<BatchOutcome>> update_products(
        const std::vector<ProductUpdate>& calls, const BeforeCommit& invalidate);

    /// A round trip to PostgreSQL; throws ApiError when it is down.
    std::chrono::microseconds ping();

private:
    /// The rows of the prepared statement `statement`: its JSON, id and version each.
    std::vector<CallResult> rows(const char* statement, const std::vector<Param>& params);
    /// Runs the batch statement `statement` on `calls` (each the arguments of one call, in the
    /// single api function's order) and `params` (after the calls); `before_commit` as above.
    std::optional<std::vector<BatchOutcome>> batch(const char* statement,
                                                   const std::vector<std::vector<Param>>& calls,
                                                   const std::vector<Param>& params,
                                                   const BeforeCommit& before_commit);
    /// Runs `statement`; every error leaves as an ApiError. With `before_commit`, in a
    /// transaction that commits only if it returns true on the result; `committed` says which.
    pqxx::result exec(const char* statement, const std::vector<Param>& params,
                      const std::function<bool(const pqxx::result&)>& before_commit = nullptr,
                      bool* committed = nullptr);

    /// The libpqxx connection with its prepared statements (kept out of this header).
    struct Session;
    Session& session();

    std::string url_;
    std::unique_ptr<Session> session_;
};

}  // namespace pms::api
