#pragma once
/// The bridge's loop: keeps PostgreSQL, RabbitMQ and Redis connected (reconnecting each with
/// backoff), and drains the outbox at start-up, on every NOTIFY, after every reconnect and on
/// the poll timer: image.process rows to RabbitMQ, cache.invalidate rows to Redis, each topic
/// on its own so that one failing dependency does not hold up the other.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/backoff.hpp"
#include "worker/bridge/bridge_config.hpp"
#include "worker/bridge/cache_invalidator.hpp"
#include "worker/bridge/outbox.hpp"
#include "worker/bridge/publisher.hpp"
#include "worker/bridge/state_log.hpp"

namespace pms::bridge {

class Bridge {
public:
    /// `stopping` is polled often (it reads the flag the signal handler sets).
    Bridge(const BridgeConfig& config, std::function<bool()> stopping);
    ~Bridge();

    /// Runs until `stopping` says so. A batch in flight is finished or rolled back first; rows
    /// are deleted only after the broker confirmed them. Never returns because a dependency
    /// failed: it reconnects.
    void run();

private:
    using Clock = std::chrono::steady_clock;

    /// One outbox topic: whether a drain is wanted, and when it may be tried again.
    struct Topic {
        std::string_view name;
        bool pending = true;  // drain at start-up
        Clock::time_point retry_at{};
        Backoff backoff;
        StateLog state;
    };

    /// A dependency's reconnect schedule and state.
    struct Link {
        Clock::time_point retry_at{};
        Backoff backoff;
        StateLog state;
    };

    void connect_postgres();
    void connect_rabbitmq();
    void postgres_lost(const std::string& error);
    void rabbitmq_lost(const std::string& error);
    void request_drain();

    bool image_ready(Clock::time_point now) const;
    bool cache_ready(Clock::time_point now) const;
    /// Each drains one batch; true when it was full (more rows may wait).
    bool drain_images();
    bool drain_cache();
    void topic_failed(Topic& topic, const std::string& error);
    /// Sorts out an exception from a drain: a lost connection, or a failure of the topic.
    void drain_failed(Topic& topic, const std::exception& error);

    /// Waits for a NOTIFY (or just sleeps without PostgreSQL) until `until`, at most a short
    /// slice, and services the broker's heartbeats.
    void wait(Clock::time_point until);
    Clock::time_point next_wake(Clock::time_point now) const;
    void log_stats(Clock::time_point now, bool force);

    BridgeConfig config_;
    std::function<bool()> stopping_;

    std::unique_ptr<Outbox> outbox_;
    int backend_pid_ = 0;
    Publisher publisher_;
    CacheInvalidator cache_;
    std::string redis_location_;

    Link postgres_;
    Link rabbitmq_;
    StateLog redis_state_;
    Topic images_;
    Topic invalidations_;
    Clock::time_point next_poll_{};

    // Counters for the periodic log line.
    uint64_t published_ = 0;
    uint64_t invalidated_ = 0;
    uint64_t published_reported_ = 0;
    uint64_t invalidated_reported_ = 0;
    Clock::time_point stats_since_{};
};

}  // namespace pms::bridge
