/// The stand-ins' behaviour: what PostgreSQL, RabbitMQ and Redis would do, as far as the bridge's
/// loop can tell.
#include "tests/unit/bridge/fake_services.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/log.hpp"
#include "common/redis.hpp"
#include "worker/amqp/amqp.hpp"

namespace pms::bridge::fake {

namespace {

using std::chrono::milliseconds;

/// The bridge logs every state change; without an appender log4cplus complains instead.
class QuietLog : public ::testing::Environment {
public:
    void SetUp() override { log::init("pms-bridge-unit-tests", "error"); }
};
[[maybe_unused]] ::testing::Environment* const kQuietLog =
    ::testing::AddGlobalTestEnvironment(new QuietLog);

/// Longest real wait of a session: the loop waits up to a second when nothing is due, which
/// would only slow the tests down; it copes with waits that end early (a signal ends them too).
constexpr milliseconds kLongestWait{2};

class Batch final : public OutboxBatch {
public:
    Batch(Database& database, int session, std::string topic, std::vector<OutboxRow> rows,
          bool mark_busy)
        : database_(database),
          session_(session),
          topic_(std::move(topic)),
          rows_(std::move(rows)),
          mark_busy_(mark_busy) {}

    const std::vector<OutboxRow>& rows() const override { return rows_; }

    int complete() override {
        auto& table = database_.rows[topic_];
        const size_t before = table.size();
        table.erase(std::remove_if(table.begin(), table.end(),
                                   [&](const OutboxRow& row) {
                                       return std::any_of(rows_.begin(), rows_.end(),
                                                          [&](const OutboxRow& mine) {
                                                              return mine.id == row.id;
                                                          });
                                   }),
                    table.end());
        if (mark_busy_ && !rows_.empty() && database_.idle_session == session_) {
            database_.idle_session = 0;  // api.outbox_bridge_busy, visible from this commit on
        }
        const size_t deleted = before - table.size();
        database_.calls.push_back(
            {Call::Kind::kCommit, session_, topic_, deleted, mark_busy_, Clock::now()});
        return static_cast<int>(deleted);
    }

private:
    Database& database_;
    int session_;
    std::string topic_;
    std::vector<OutboxRow> rows_;
    bool mark_busy_;
};

class Session final : public Outbox {
public:
    explicit Session(Database& database) : database_(database), id_(++database.sessions) {}
    ~Session() override {
        // A bridge whose session ended is not waiting any more.
        if (database_.idle_session == id_) {
            database_.idle_session = 0;
        }
    }

    bool wait_for_notification(milliseconds timeout) override {
        database_.calls.push_back({Call::Kind::kWait, id_, "", 0, false, Clock::now(), timeout});
        if (database_.during_wait) {
            database_.during_wait();
        }
        if (take_notification()) {
            return true;
        }
        std::this_thread::sleep_for(std::min(timeout, kLongestWait));
        return take_notification();
    }

    std::unique_ptr<OutboxBatch> claim(std::string_view topic, int limit, bool mark_busy) override {
        if (database_.break_next_claim) {
            database_.break_next_claim = false;
            open_ = false;
            throw pqxx::broken_connection("server closed the connection unexpectedly");
        }
        const auto& table = database_.rows[std::string(topic)];
        std::vector<OutboxRow> rows(
            table.begin(), table.begin() + std::min(table.size(), static_cast<size_t>(limit)));
        database_.calls.push_back(
            {Call::Kind::kClaim, id_, std::string(topic), rows.size(), mark_busy, Clock::now()});
        return std::make_unique<Batch>(database_, id_, std::string(topic), std::move(rows),
                                       mark_busy);
    }

    bool mark_idle() override {
        if (database_.before_idle_mark) {
            database_.before_idle_mark();
        }
        if (database_.wake_lock_busy > 0) {
            --database_.wake_lock_busy;
            database_.calls.push_back({Call::Kind::kIdleRefused, id_, "", 0, false, Clock::now()});
            return false;
        }
        database_.idle_session = id_;
        database_.calls.push_back({Call::Kind::kIdle, id_, "", 0, false, Clock::now()});
        return true;
    }

    void report(uint64_t, double, uint64_t) override {}
    Json::Value backlog() override { return Json::Value(Json::objectValue); }
    bool is_open() const override { return open_; }
    int backend_pid() const override { return id_; }

private:
    bool take_notification() {
        if (database_.notified_session != id_) {
            return false;
        }
        database_.notified_session = 0;
        return true;
    }

    Database& database_;
    int id_;
    bool open_ = true;
};

class FakePublisher final : public Publisher {
public:
    explicit FakePublisher(Broker& broker) : broker_(broker) {}

    bool connected() const override { return broker_.connected; }
    void connect() override {
        broker_.connects.push_back(Clock::now());
        if (!broker_.reachable) {
            throw amqp::Error("connection refused");
        }
        broker_.connected = true;
    }
    void disconnect() override { broker_.connected = false; }

    void keep_alive() override { check_reachable(); }

    PublishOutcome publish(const std::vector<amqp::Message>& messages,
                           const std::function<bool()>& /*stopping*/) override {
        broker_.publishes.push_back(Clock::now());
        check_reachable();
        PublishOutcome outcome;
        if (broker_.nack_batches > 0) {
            --broker_.nack_batches;
            outcome.failure = std::to_string(messages.size()) + " of " +
                              std::to_string(messages.size()) + " messages nacked by the broker";
            return outcome;
        }
        for (const amqp::Message& message : messages) {
            broker_.published.push_back(message.body);
        }
        outcome.ok = true;
        return outcome;
    }

private:
    void check_reachable() {
        if (broker_.connected && !broker_.reachable) {
            broker_.connected = false;
            throw amqp::Error("connection closed by the broker");
        }
    }

    Broker& broker_;
};

class FakeCache final : public CacheInvalidator {
public:
    explicit FakeCache(Redis& redis) : redis_(redis) {}

    bool connected() const override { return redis_.connected; }
    void connect() override {
        redis_.connects.push_back(Clock::now());
        if (!redis_.reachable) {
            throw redis::Error("connection refused");
        }
        redis_.connected = true;
    }
    void disconnect() override { redis_.connected = false; }

    void invalidate(const std::vector<Invalidation>& events) override {
        if (!redis_.reachable) {
            redis_.connected = false;
            throw redis::Error("connection reset by peer");
        }
        for (const Invalidation& event : events) {
            redis_.invalidated.push_back(event.product_id);
        }
        if (redis_.on_invalidate) {
            redis_.on_invalidate();
        }
    }

private:
    Redis& redis_;
};

}  // namespace

void Database::write(std::string_view topic, std::string payload) {
    rows[std::string(topic)].push_back(OutboxRow{next_id++, std::move(payload)});
    // The deferred trigger at COMMIT: notify only a bridge that waits.
    if (idle_session != 0) {
        notified_session = idle_session;
        ++notifications;
    }
}

size_t Database::waiting(std::string_view topic) const {
    const auto found = rows.find(topic);
    return found == rows.end() ? 0 : found->second.size();
}

std::vector<Call> Database::calls_of(Call::Kind kind) const {
    std::vector<Call> found;
    std::copy_if(calls.begin(), calls.end(), std::back_inserter(found),
                 [&](const Call& call) { return call.kind == kind; });
    return found;
}

std::function<std::unique_ptr<Outbox>()> sessions_of(Database& database) {
    return [&database]() -> std::unique_ptr<Outbox> { return std::make_unique<Session>(database); };
}

BridgeConfig settings() {
    BridgeConfig config;
    config.redis_url = "redis://127.0.0.1:6379/0";  // only named in log lines
    config.batch_size = 10;
    config.poll_interval = std::chrono::hours(1);
    config.stats_interval = std::chrono::hours(1);
    config.backoff_initial = milliseconds(10);
    config.backoff_max = milliseconds(1000);
    config.idle_retry = milliseconds(10);
    return config;
}

bool run_bridge(const BridgeConfig& config, Database& database, Broker& broker, Redis& redis,
                const std::function<bool()>& done, milliseconds limit) {
    Services services;
    services.open_outbox = sessions_of(database);
    services.publisher = std::make_unique<FakePublisher>(broker);
    services.cache = std::make_unique<FakeCache>(redis);
    const auto deadline = Clock::now() + limit;
    // Judged while it runs: stopping ends its session, and with it the session's idle mark.
    bool held = false;
    Bridge bridge(config, std::move(services), [&] {
        held = held || done();
        return held || Clock::now() >= deadline;
    });
    bridge.run();
    return held;
}

std::string image_payload(int64_t job_id) {
    return "{\"job_id\": " + std::to_string(job_id) +
           ", \"product_id\": " + std::to_string(job_id) +
           ", \"position\": 0, \"request_id\": \"test\"}";
}

std::string invalidation_payload(int64_t product_id) {
    return "{\"product_id\": " + std::to_string(product_id) + ", \"version\": 2}";
}

}  // namespace pms::bridge::fake
