#pragma once
/// Stand-ins for what pms-bridge talks to, behind its own interfaces (Outbox, Publisher,
/// CacheInvalidator), so that its loop runs in a unit test: the outbox table with the database's
/// side of the idle handshake (a writer notifies only a session marked idle; a batch's commit
/// marks it busy), a broker and a Redis that can be down or refuse batches. Each records what the
/// bridge did to it, with the time, for the tests to check.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "worker/bridge/bridge.hpp"
#include "worker/bridge/bridge_config.hpp"
#include "worker/bridge/outbox.hpp"
#include "worker/bridge/outbox_payload.hpp"

namespace pms::bridge::fake {

using Clock = std::chrono::steady_clock;

/// One call of the bridge on a session of the outbox.
struct Call {
    enum class Kind {
        kClaim,        ///< claimed `rows` of `topic` (`busy`: marking the session busy)
        kCommit,       ///< deleted `rows` of `topic` and committed
        kIdle,         ///< marked the session idle
        kIdleRefused,  ///< tried to, and found the wake lock taken
        kWait,         ///< waited for a NOTIFY
    };
    Kind kind;
    int session = 0;
    std::string topic;
    size_t rows = 0;
    bool busy = false;
    Clock::time_point at;
    std::chrono::milliseconds timeout{0};  ///< kWait: the longest it would have waited
};

/// The outbox as PostgreSQL keeps it, shared by every session a bridge opens.
struct Database {
    std::map<std::string, std::vector<OutboxRow>, std::less<>> rows;  ///< by topic, oldest first
    int64_t next_id = 1;
    /// The session marked idle (0: none): a writer's commit notifies it.
    int idle_session = 0;
    /// The session a NOTIFY waits for (0: none).
    int notified_session = 0;
    int notifications = 0;
    int sessions = 0;  ///< opened so far; the newest one's number
    std::vector<Call> calls;

    /// This many mark_idle calls find the wake lock taken.
    int wake_lock_busy = 0;
    /// The next claim finds the connection gone.
    bool break_next_claim = false;
    /// Runs at every mark_idle, before the mark: a writer committing now sees no idle bridge.
    std::function<void()> before_idle_mark;
    /// Runs at every wait, before it looks for a NOTIFY: what writers do meanwhile.
    std::function<void()> during_wait;

    /// A writer's transaction: adds a row and, at its COMMIT, notifies the idle session if any.
    void write(std::string_view topic, std::string payload);
    size_t waiting(std::string_view topic) const;
    /// The calls of one kind, oldest first.
    std::vector<Call> calls_of(Call::Kind kind) const;
};

/// Opens sessions on `database` as the bridge's Services::open_outbox.
std::function<std::unique_ptr<Outbox>()> sessions_of(Database& database);

/// RabbitMQ as the publisher sees it.
struct Broker {
    bool reachable = true;  ///< false: connects fail, and a publish finds the connection gone
    bool connected = false;
    int nack_batches = 0;                ///< this many publishes are nacked
    std::vector<std::string> published;  ///< bodies the broker confirmed
    std::vector<Clock::time_point> connects;
    std::vector<Clock::time_point> publishes;
};

/// Redis as the cache invalidator sees it.
struct Redis {
    bool reachable = true;  ///< false: connects fail, and an invalidation finds Redis gone
    bool connected = false;
    std::vector<int64_t> invalidated;  ///< product ids
    std::vector<Clock::time_point> connects;
    /// Runs at every invalidation that succeeds.
    std::function<void()> on_invalidate;
};

/// Settings for a bridge on the fakes: short backoffs, no poll timer (a row is found by a drain
/// the handshake asked for, or not at all), no status reports.
BridgeConfig settings();

/// Runs a bridge on the fakes until `done` holds or `limit` passed; returns whether `done` held.
bool run_bridge(const BridgeConfig& config, Database& database, Broker& broker, Redis& redis,
                const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

/// An image.process payload of `job_id`, and a cache.invalidate payload of `product_id`.
std::string image_payload(int64_t job_id);
std::string invalidation_payload(int64_t product_id);

}  // namespace pms::bridge::fake
