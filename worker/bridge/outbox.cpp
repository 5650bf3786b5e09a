/// Outbox access through libpqxx 6.4: notification_receiver for LISTEN, prepared statements for
/// the api.outbox_* functions.
#include "worker/bridge/outbox.hpp"

#include <stdexcept>
#include <string>

#include "common/json.hpp"

namespace pms::bridge {

namespace {

// Each SQL call is named once and prepared once per connection.
constexpr const char* kClaim = "outbox_claim";
constexpr const char* kDelete = "outbox_delete";
constexpr const char* kBusy = "outbox_bridge_busy";
constexpr const char* kIdle = "outbox_bridge_idle";
constexpr const char* kStats = "outbox_bridge_stats";
constexpr const char* kBacklog = "outbox_backlog";

/// SQLSTATE of a lock wait that hit lock_timeout.
constexpr const char* kLockNotAvailable = "55P03";

/// A bigint[] literal ("{1,2,3}") for the ids parameter.
std::string id_array(const std::vector<OutboxRow>& rows) {
    std::string text = "{";
    for (const OutboxRow& row : rows) {
        if (text.size() > 1) {
            text.push_back(',');
        }
        text += std::to_string(row.id);
    }
    text.push_back('}');
    return text;
}

}  // namespace

/// Remembers that a NOTIFY arrived; libpqxx calls it from get_notifs(), outside transactions.
class PgOutbox::Receiver : public pqxx::notification_receiver {
public:
    explicit Receiver(pqxx::connection_base& connection)
        : pqxx::notification_receiver(connection, kOutboxChannel) {}

    void operator()(const std::string& /*payload*/, int /*backend_pid*/) override {
        // The payload is empty by contract: the outbox itself says what to do.
        notified_ = true;
    }

    /// Whether a notification came since the last call.
    bool take() {
        const bool notified = notified_;
        notified_ = false;
        return notified;
    }

private:
    bool notified_ = false;
};

PgOutboxBatch::PgOutboxBatch(pqxx::connection& connection, std::string_view topic, int limit,
                             bool mark_busy)
    : transaction_(connection, "outbox batch") {
    const pqxx::result result = transaction_.exec_prepared(kClaim, std::string(topic), limit);
    rows_.reserve(result.size());
    for (const pqxx::row& row : result) {
        rows_.push_back(OutboxRow{row[0].as<int64_t>(), row[1].as<std::string>()});
    }
    if (mark_busy && !rows_.empty()) {
        transaction_.exec_prepared(kBusy);
    }
}

int PgOutboxBatch::complete() {
    int deleted = 0;
    if (!rows_.empty()) {
        deleted = transaction_.exec_prepared1(kDelete, id_array(rows_))[0].as<int>();
    }
    transaction_.commit();
    return deleted;
}

PgOutbox::PgOutbox(const std::string& url) : connection_(url) {
    // Visible in pg_stat_activity, so an operator can tell the bridge's sessions apart.
    {
        pqxx::nontransaction setup(connection_, "setup");
        setup.exec0("set application_name = 'pms-bridge'");
        // A batch's DELETE need not wait for its WAL flush: if PostgreSQL crashed before the
        // flush, the rows would come back and be published again, which at-least-once delivery
        // allows; nothing can be lost by it. It takes a disk flush off every batch.
        setup.exec0("set synchronous_commit = off");
    }
    connection_.prepare(kClaim, "select id, payload::text from api.outbox_claim($1, $2)");
    connection_.prepare(kDelete, "select api.outbox_delete($1::bigint[])");
    connection_.prepare(kBusy, "select from api.outbox_bridge_busy()");
    connection_.prepare(kIdle, "select from api.outbox_bridge_idle()");
    connection_.prepare(kStats, "select from api.outbox_bridge_stats($1, $2, $3)");
    connection_.prepare(kBacklog, "select api.outbox_backlog()::text");
    // LISTEN before the first drain: an event committed in between wakes us, none is missed.
    receiver_ = std::make_unique<Receiver>(connection_);
}

PgOutbox::~PgOutbox() {
    // Closing the session ends its LISTEN. Closing before the receiver goes keeps the receiver
    // from sending UNLISTEN, which on a broken connection would make libpqxx reconnect first.
    connection_.disconnect();
    receiver_.reset();
}

bool PgOutbox::wait_for_notification(std::chrono::milliseconds timeout) {
    if (receiver_->take()) {
        return true;  // delivered while a statement ran
    }
    const long ms = static_cast<long>(timeout.count());
    connection_.await_notification(ms / 1000, (ms % 1000) * 1000);
    return receiver_->take();
}

std::unique_ptr<OutboxBatch> PgOutbox::claim(std::string_view topic, int limit, bool mark_busy) {
    return std::make_unique<PgOutboxBatch>(connection_, topic, limit, mark_busy);
}

bool PgOutbox::mark_idle() {
    try {
        pqxx::work transaction(connection_, "bridge idle");
        transaction.exec_prepared(kIdle);
        transaction.commit();
        return true;
    } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() == kLockNotAvailable) {
            return false;
        }
        throw;
    }
}

void PgOutbox::report(uint64_t published, double published_per_s, uint64_t invalidated) {
    pqxx::work transaction(connection_, "bridge stats");
    transaction.exec_prepared(kStats, static_cast<int64_t>(published), published_per_s,
                              static_cast<int64_t>(invalidated));
    transaction.commit();
}

Json::Value PgOutbox::backlog() {
    pqxx::read_transaction transaction(connection_, "outbox backlog");
    const std::string text = transaction.exec_prepared1(kBacklog)[0].as<std::string>();
    transaction.commit();
    auto value = json::parse_strict(text, nullptr);
    if (!value) {
        throw std::runtime_error("api.outbox_backlog() returned no JSON object: " + text);
    }
    return *value;
}

}  // namespace pms::bridge
