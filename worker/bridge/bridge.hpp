#pragma once
/// The bridge's loop: keeps PostgreSQL, RabbitMQ and Redis connected (reconnecting each with
/// backoff), and drains the outbox at start-up, on every NOTIFY, after every reconnect and on
/// the poll timer: image.process rows to RabbitMQ, cache.invalidate rows to Redis, both by one
/// drain routine and each topic on its own schedule, so that one failing destination does not
/// hold up the other. Before it waits, it marks its session idle and looks once more, so that
/// writers notify only a waiting bridge.

#include <json/value.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/backoff.hpp"
#include "common/systemd_notify.hpp"
#include "worker/bridge/bridge_config.hpp"
#include "worker/bridge/cache_invalidator.hpp"
#include "worker/bridge/delivery_stats.hpp"
#include "worker/bridge/destination.hpp"
#include "worker/bridge/outbox.hpp"
#include "worker/bridge/publisher.hpp"
#include "worker/bridge/state_log.hpp"

namespace pms::bridge {

/// What the bridge talks to: main() hands in the real services, unit tests stand-ins.
struct Services {
    /// Opens a session on the outbox, LISTENing; throws when PostgreSQL cannot be reached.
    std::function<std::unique_ptr<Outbox>()> open_outbox;
    std::unique_ptr<Publisher> publisher;
    std::unique_ptr<CacheInvalidator> cache;
};

class Bridge {
public:
    /// `stopping` is polled often (it reads the flag the signal handler sets).
    Bridge(const BridgeConfig& config, Services services, std::function<bool()> stopping);
    ~Bridge();

    /// Runs until `stopping` says so. A batch in flight is finished or rolled back first; rows
    /// are deleted only after the broker confirmed them. Never returns because a dependency
    /// failed: it reconnects. Tells systemd READY=1 once connected to PostgreSQL and RabbitMQ,
    /// WATCHDOG=1 while it runs, STOPPING=1 when asked to stop.
    void run();

private:
    using Clock = std::chrono::steady_clock;

    /// A dependency's reconnect schedule and state.
    struct Link {
        Clock::time_point retry_at{};
        Backoff backoff;
        StateLog state;
    };

    /// What a destination made of one batch.
    struct Delivery {
        bool ok = false;
        std::string failure;  ///< why not, for the log; the rows stay
        std::chrono::milliseconds elapsed{0};
        Json::Value ids;  ///< what the batch carried, for its debug line
    };

    /// One outbox topic and the destination its rows go to, each with a retry schedule of its
    /// own: a topic whose destination is down, or refuses its batches, holds up no other.
    struct Topic {
        std::string_view name;
        Destination& destination;
        std::string destination_detail;  ///< logged once connected
        Link connection;                 ///< the destination's reconnects
        /// Hands a claimed batch to the destination.
        Delivery (Bridge::*deliver)(const std::vector<OutboxRow>& rows);
        /// Counts a committed batch.
        void (DeliveryStats::*count)(uint64_t rows);
        const char* delivered_message;  ///< the debug line of each committed batch
        bool pending = true;            // drain at start-up
        Clock::time_point retry_at{};   // after a failed batch
        Backoff backoff;
        StateLog state;
    };

    void connect_due(Clock::time_point now);
    void connect_postgres();
    void connect_destination(Topic& topic);
    void postgres_lost(const std::string& error);
    void destination_lost(Topic& topic, const std::string& error);
    void request_drain();
    void announce_ready();

    bool ready(const Topic& topic, Clock::time_point now) const;
    /// Drains one batch of each topic that is ready; true when a batch was full (more rows may
    /// wait).
    bool drain_ready();
    /// Claims a batch of the topic, delivers it and deletes it, or leaves it for a retry.
    bool drain(Topic& topic);
    Delivery publish_images(const std::vector<OutboxRow>& rows);
    Delivery invalidate_cache(const std::vector<OutboxRow>& rows);
    /// After a batch committed: the session is no longer marked idle if it was.
    void batch_committed();
    void topic_failed(Topic& topic, const std::string& error);
    /// Sorts out an exception from a drain: a lost destination, a lost PostgreSQL connection,
    /// or a failure of the topic.
    void drain_failed(Topic& topic, const std::exception& error);

    /// Before waiting with nothing ready to drain: marks the session idle (so that writers
    /// notify) and asks for one more drain, which sees every commit the mark did not cover.
    /// False when the session is already idle or could not be marked (then it polls soon).
    bool go_idle(Clock::time_point now);

    /// Waits for a NOTIFY (or just sleeps without PostgreSQL) until `until`, at most a short
    /// slice, and services the broker's heartbeats.
    void wait(Clock::time_point until);
    Clock::time_point next_wake(Clock::time_point now) const;
    /// Every stats interval: delivery rate and backlog to the log, the database and systemd;
    /// `final`: at the end, the counters only.
    void report_status(Clock::time_point now, bool final);

    BridgeConfig config_;
    std::function<bool()> stopping_;
    systemd::Watchdog watchdog_;
    /// What the publisher polls while it waits for confirms: keeps the watchdog fed as well.
    std::function<bool()> publish_stopping_;

    std::function<std::unique_ptr<Outbox>()> open_outbox_;
    std::unique_ptr<Outbox> outbox_;
    int backend_pid_ = 0;
    /// The session is marked idle in pms.outbox_bridges (committed): writers notify it.
    bool idle_ = false;
    std::unique_ptr<Publisher> publisher_;
    std::unique_ptr<CacheInvalidator> cache_;

    Link postgres_;
    /// Retries of api.outbox_bridge_idle after errors other than a lost connection.
    Link idle_marking_;
    Topic images_;
    Topic invalidations_;
    Clock::time_point next_poll_{};
    bool ready_announced_ = false;

    DeliveryStats stats_;
};

}  // namespace pms::bridge
