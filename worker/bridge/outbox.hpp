#pragma once
/// The outbox in PostgreSQL (libpqxx): LISTEN for wake-ups, claim a batch of one topic in a
/// transaction, delete what was delivered, commit; tell the database when the bridge waits (so
/// that writers notify only then) and what it delivered.

#include <json/value.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace pms::bridge {

/// NOTIFY channel of the outbox trigger (db/triggers/outbox_notify.sql).
inline constexpr const char* kOutboxChannel = "pms_outbox";
inline constexpr std::string_view kImageTopic = "image.process";
inline constexpr std::string_view kCacheTopic = "cache.invalidate";

struct OutboxRow {
    int64_t id = 0;
    std::string payload;  ///< jsonb as text
};

/// Rows of one topic, locked (FOR UPDATE SKIP LOCKED) by a transaction of their own. Destroying
/// a batch that was not completed rolls it back: the rows stay for the next attempt.
class OutboxBatch {
public:
    /// `mark_busy`: the session is marked idle; if rows are claimed, the same transaction marks
    /// it busy again (api.outbox_bridge_busy), so writers stop notifying once it commits.
    OutboxBatch(pqxx::connection& connection, std::string_view topic, int limit, bool mark_busy);
    OutboxBatch(const OutboxBatch&) = delete;
    OutboxBatch& operator=(const OutboxBatch&) = delete;

    const std::vector<OutboxRow>& rows() const { return rows_; }
    /// Deletes every claimed row and commits. Returns the number of rows deleted.
    int complete();

private:
    pqxx::work transaction_;
    std::vector<OutboxRow> rows_;
};

/// One PostgreSQL connection that LISTENs on the outbox channel. Any pqxx::broken_connection
/// makes it unusable: the owner drops it and connects anew (which LISTENs again).
class Outbox {
public:
    explicit Outbox(const std::string& url);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    /// Waits up to `timeout` for a NOTIFY (a signal ends the wait early). True when one came.
    bool wait_for_notification(std::chrono::milliseconds timeout);
    /// Claims up to `limit` rows of `topic` in a new transaction (see OutboxBatch for
    /// `mark_busy`).
    std::unique_ptr<OutboxBatch> claim(std::string_view topic, int limit, bool mark_busy);

    /// Marks this session idle (writers notify from now on) and waits for the commits in flight
    /// that did not see the mark (api.outbox_bridge_idle). The caller must claim once more before
    /// it waits. False when such a commit held the wake lock too long: then nothing changed.
    bool mark_idle();
    /// Stores the delivery counters where api.outbox_backlog shows them.
    void report(uint64_t published, double published_per_s, uint64_t invalidated);
    /// api.outbox_backlog(): rows and age of the oldest per topic, and the live bridges.
    Json::Value backlog();

    /// False once the connection broke.
    bool is_open() const { return connection_.is_open(); }
    /// The server process behind the connection; changes if libpqxx reconnected on its own.
    int backend_pid() const { return connection_.backendpid(); }

private:
    class Receiver;
    pqxx::connection connection_;
    std::unique_ptr<Receiver> receiver_;
};

}  // namespace pms::bridge
