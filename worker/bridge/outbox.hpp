#pragma once
/// The outbox in PostgreSQL: LISTEN for wake-ups, claim a batch of one topic in a transaction,
/// delete what was delivered, commit; tell the database when the bridge waits (so that writers
/// notify only then) and what it delivered. The loop sees the interface; PgOutbox is libpqxx's.

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

/// Rows of one topic, claimed by a transaction of their own. Destroying a batch that was not
/// completed rolls it back: the rows stay for the next attempt.
class OutboxBatch {
public:
    virtual ~OutboxBatch() = default;
    virtual const std::vector<OutboxRow>& rows() const = 0;
    /// Deletes every claimed row and commits. Returns the number of rows deleted.
    virtual int complete() = 0;
};

/// One session on the outbox, LISTENing for its wake-ups (an interface so that the bridge's
/// loop can be tested without PostgreSQL). A session that lost its connection is unusable: the
/// owner drops it and opens another, which LISTENs again.
class Outbox {
public:
    virtual ~Outbox() = default;

    /// Waits up to `timeout` for a NOTIFY (a signal ends the wait early). True when one came.
    virtual bool wait_for_notification(std::chrono::milliseconds timeout) = 0;
    /// Claims up to `limit` rows of `topic` in a new transaction. `mark_busy`: the session is
    /// marked idle; if rows are claimed, the same transaction marks it busy again
    /// (api.outbox_bridge_busy), so writers stop notifying once it commits.
    virtual std::unique_ptr<OutboxBatch> claim(std::string_view topic, int limit,
                                               bool mark_busy) = 0;

    /// Marks this session idle (writers notify from now on) and waits for the commits in flight
    /// that did not see the mark (api.outbox_bridge_idle). The caller must claim once more before
    /// it waits. False when such a commit held the wake lock too long: then nothing changed.
    virtual bool mark_idle() = 0;
    /// Stores the delivery counters where api.outbox_backlog shows them.
    virtual void report(uint64_t published, double published_per_s, uint64_t invalidated) = 0;
    /// api.outbox_backlog(): rows and age of the oldest per topic, and the live bridges.
    virtual Json::Value backlog() = 0;

    /// False once the connection broke.
    virtual bool is_open() const = 0;
    /// The server process behind the session; changes if the connection was made again
    /// underneath (libpqxx does that by itself).
    virtual int backend_pid() const = 0;
};

/// The rows of a PgOutbox claim, locked FOR UPDATE SKIP LOCKED.
class PgOutboxBatch final : public OutboxBatch {
public:
    PgOutboxBatch(pqxx::connection& connection, std::string_view topic, int limit, bool mark_busy);
    PgOutboxBatch(const PgOutboxBatch&) = delete;
    PgOutboxBatch& operator=(const PgOutboxBatch&) = delete;

    const std::vector<OutboxRow>& rows() const override { return rows_; }
    int complete() override;

private:
    pqxx::work transaction_;
    std::vector<OutboxRow> rows_;
};

/// The outbox in PostgreSQL over one libpqxx connection. Any pqxx::broken_connection makes it
/// unusable.
class PgOutbox final : public Outbox {
public:
    explicit PgOutbox(const std::string& url);
    ~PgOutbox() override;
    PgOutbox(const PgOutbox&) = delete;
    PgOutbox& operator=(const PgOutbox&) = delete;

    bool wait_for_notification(std::chrono::milliseconds timeout) override;
    std::unique_ptr<OutboxBatch> claim(std::string_view topic, int limit, bool mark_busy) override;
    bool mark_idle() override;
    void report(uint64_t published, double published_per_s, uint64_t invalidated) override;
    Json::Value backlog() override;

    bool is_open() const override { return connection_.is_open(); }
    int backend_pid() const override { return connection_.backendpid(); }

private:
    class Receiver;
    pqxx::connection connection_;
    std::unique_ptr<Receiver> receiver_;
};

}  // namespace pms::bridge
