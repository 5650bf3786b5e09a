/// The drain loop of pms-bridge.
#include "worker/bridge/bridge.hpp"

#include <time.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "common/log.hpp"
#include "common/pg_error.hpp"
#include "common/redact.hpp"
#include "common/systemd_notify.hpp"
#include "worker/bridge/outbox_payload.hpp"

namespace pms::bridge {

namespace {

using std::chrono::milliseconds;

/// Longest single wait: bounds how late a stop request, a heartbeat or a timer is seen.
constexpr milliseconds kWaitSlice{1000};
/// Most request ids written on one batch's log line.
constexpr size_t kLoggedIds = 20;
/// Jitter of the backoffs: several bridges that lost the same dependency spread their retries.
constexpr double kJitter = 0.2;

milliseconds ms_until(std::chrono::steady_clock::time_point from,
                      std::chrono::steady_clock::time_point to) {
    return to > from ? std::chrono::duration_cast<milliseconds>(to - from) : milliseconds(0);
}

void sleep_for(milliseconds duration) {
    // nanosleep returns early on a signal, so SIGTERM ends the wait at once.
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(duration.count() / 1000);
    ts.tv_nsec = static_cast<long>((duration.count() % 1000) * 1000000);
    nanosleep(&ts, nullptr);
}

/// Appends `value` to a JSON array unless it is empty, already there, or the array is full.
void add_distinct(Json::Value& array, const std::string& value) {
    if (value.empty() || array.size() >= kLoggedIds) {
        return;
    }
    for (const Json::Value& item : array) {
        if (item.asString() == value) {
            return;
        }
    }
    array.append(value);
}

/// Where Redis is, for the log: never the URL, which may hold a password.
std::string redis_location(const redis::Endpoint& endpoint) {
    if (!endpoint.unix_path.empty()) {
        return endpoint.unix_path + " db " + std::to_string(endpoint.db);
    }
    return endpoint.host + ":" + std::to_string(endpoint.port) + " db " +
           std::to_string(endpoint.db);
}

}  // namespace

Bridge::Bridge(const BridgeConfig& config, Services services, std::function<bool()> stopping)
    : config_(config),
      stopping_(std::move(stopping)),
      watchdog_(systemd::watchdog_interval()),
      publish_stopping_([this] {
          // A wait for confirms may last up to confirm_timeout: systemd must still hear from us.
          watchdog_.ping_if_due();
          return stopping_();
      }),
      open_outbox_(std::move(services.open_outbox)),
      publisher_(std::move(services.publisher)),
      cache_(std::move(services.cache)),
      postgres_{{},
                Backoff(config.backoff_initial, config.backoff_max, kJitter),
                StateLog({"connected to PostgreSQL", "PostgreSQL unavailable; reconnecting",
                          "reconnected to PostgreSQL"})},
      idle_marking_{{},
                    Backoff(config.backoff_initial, config.backoff_max, kJitter),
                    StateLog({"",
                              "cannot mark the session idle; wake-ups may come late, polling "
                              "every PMS_BRIDGE_POLL_INTERVAL",
                              "marking the session idle again"})},
      images_{
          kImageTopic,
          *publisher_,
          "topology declared, publisher confirms on",
          {{},
           Backoff(config.backoff_initial, config.backoff_max, kJitter),
           StateLog({"connected to RabbitMQ", "RabbitMQ unavailable; reconnecting",
                     "reconnected to RabbitMQ"})},
          &Bridge::publish_images,
          &DeliveryStats::add_published,
          "published image.process batch",
          true,
          {},
          Backoff(config.backoff_initial, config.delivery_backoff_max, kJitter),
          StateLog({"",
                    "image.process delivery failed; rows stay in the outbox, retrying with backoff",
                    "image.process publishing again"})},
      invalidations_{
          kCacheTopic,
          *cache_,
          redis_location(redis::Endpoint::parse(config.redis_url)),
          {{},
           Backoff(config.backoff_initial, config.backoff_max, kJitter),
           StateLog({"connected to Redis", "Redis unavailable; cache invalidations wait",
                     "reconnected to Redis"})},
          &Bridge::invalidate_cache,
          &DeliveryStats::add_invalidated,
          "delivered cache.invalidate batch",
          true,
          {},
          Backoff(config.backoff_initial, config.delivery_backoff_max, kJitter),
          StateLog(
              {"",
               "cache.invalidate delivery failed; rows stay in the outbox, retrying with backoff",
               "cache.invalidate delivering again"})},
      stats_(Clock::now()) {}

Bridge::~Bridge() = default;

void Bridge::run() {
    log::info("pms-bridge starting",
              {{"batch", config_.batch_size},
               {"poll_interval_ms", Json::Int64(config_.poll_interval.count())},
               {"stats_interval_ms", Json::Int64(config_.stats_interval.count())},
               {"quorum_queues", config_.quorum_queues}});
    while (!stopping_()) {
        watchdog_.ping_if_due();
        connect_due(Clock::now());
        const auto now = Clock::now();
        if (outbox_ && now >= next_poll_) {
            // The safety net: a wake-up can be late (a bridge that could not mark itself idle)
            // or lost with a connection.
            request_drain();
            next_poll_ = now + config_.poll_interval;
        }
        const bool more = drain_ready();
        announce_ready();
        report_status(Clock::now(), false);
        if (stopping_()) {
            break;
        }
        if (more) {
            // A full batch: more rows are likely waiting. Keep the broker's heartbeats going.
            wait(Clock::now());
            continue;
        }
        // One instant for both: had the retry of the idle mark come due between two readings of
        // the clock, go_idle would have waited for it and next_wake passed it by, and a busy
        // bridge, which no writer wakes, slept a whole slice (bench/bridge: a second's stall).
        const auto idle_at = Clock::now();
        if (go_idle(idle_at)) {
            continue;  // the last look before waiting
        }
        wait(next_wake(idle_at));
    }
    systemd::notify("STOPPING=1");
    log::info("pms-bridge stopping");
    report_status(Clock::now(), true);
    outbox_.reset();
    publisher_->disconnect();
}

void Bridge::request_drain() {
    images_.pending = true;
    invalidations_.pending = true;
}

void Bridge::announce_ready() {
    if (ready_announced_ || !outbox_ || !publisher_->connected()) {
        return;
    }
    ready_announced_ = true;
    systemd::notify("READY=1\nSTATUS=connected to PostgreSQL and RabbitMQ; drained once");
    log::info("pms-bridge ready", {{"backend_pid", backend_pid_}});
}

void Bridge::connect_due(Clock::time_point now) {
    if (!outbox_ && now >= postgres_.retry_at) {
        connect_postgres();
    }
    for (Topic* topic : {&images_, &invalidations_}) {
        if (!topic->destination.connected() && now >= topic->connection.retry_at) {
            connect_destination(*topic);
        }
    }
}

void Bridge::connect_postgres() {
    try {
        outbox_ = open_outbox_();
        backend_pid_ = outbox_->backend_pid();
        idle_ = false;  // a new session: writers do not know it yet
        postgres_.backoff.reset();
        postgres_.state.up("LISTEN " + std::string(kOutboxChannel) + ", backend pid " +
                           std::to_string(backend_pid_));
        // Whatever was written while we were away was not announced to us.
        request_drain();
        next_poll_ = Clock::now() + config_.poll_interval;
    } catch (const std::exception& e) {
        outbox_.reset();
        const auto delay = postgres_.backoff.next();
        postgres_.retry_at = Clock::now() + delay;
        // libpq quotes a malformed URL, password and all.
        postgres_.state.down(redact_url_in(e.what(), config_.database_url), delay);
    }
}

void Bridge::connect_destination(Topic& topic) {
    try {
        topic.destination.connect();
        topic.connection.backoff.reset();
        topic.connection.state.up(topic.destination_detail);
        // Rows that waited for the destination go out now.
        topic.pending = true;
    } catch (const std::exception& e) {
        destination_lost(topic, e.what());
    }
}

void Bridge::postgres_lost(const std::string& error) {
    outbox_.reset();
    idle_ = false;
    const auto delay = postgres_.backoff.next();
    postgres_.retry_at = Clock::now() + delay;
    postgres_.state.down(error, delay);
}

void Bridge::destination_lost(Topic& topic, const std::string& error) {
    topic.destination.disconnect();
    const auto delay = topic.connection.backoff.next();
    topic.connection.retry_at = Clock::now() + delay;
    topic.connection.state.down(error, delay);
}

bool Bridge::ready(const Topic& topic, Clock::time_point now) const {
    return outbox_ && topic.destination.connected() && topic.pending && now >= topic.retry_at;
}

bool Bridge::drain_ready() {
    bool more = false;
    for (Topic* topic : {&images_, &invalidations_}) {
        if (ready(*topic, Clock::now()) && !stopping_()) {
            more = drain(*topic) || more;
        }
    }
    return more;
}

void Bridge::batch_committed() {
    // The batch's transaction marked the session busy (OutboxBatch), now visible to writers.
    idle_ = false;
}

bool Bridge::go_idle(Clock::time_point now) {
    if (idle_ || !outbox_ || ready(images_, now) || ready(invalidations_, now) ||
        now < idle_marking_.retry_at) {
        return false;
    }
    try {
        if (!outbox_->mark_idle()) {
            // A transaction holds the wake lock (it ran the trigger early, SET CONSTRAINTS ...
            // IMMEDIATE): stay busy, so nothing wakes us; drain now and try again soon.
            log::debug("session not marked idle: the wake lock is busy; trying again soon");
            idle_marking_.retry_at = Clock::now() + config_.idle_retry;
            request_drain();
            return false;
        }
    } catch (const std::exception& e) {
        if (pg::is_unavailable(e) || !outbox_->is_open()) {
            postgres_lost(e.what());
        } else {
            // E.g. the database lacks api.outbox_bridge_idle: the poll timer still drains.
            const auto delay = idle_marking_.backoff.next();
            idle_marking_.retry_at = Clock::now() + delay;
            idle_marking_.state.down(pg::first_line(e), delay);
        }
        return false;
    }
    idle_marking_.backoff.reset();
    idle_marking_.state.up();
    idle_ = true;
    // Rows committed before the mark was visible announced themselves to nobody: look once more.
    request_drain();
    return true;
}

bool Bridge::drain(Topic& topic) {
    try {
        const auto batch = outbox_->claim(topic.name, config_.batch_size, idle_);
        const auto& rows = batch->rows();
        if (rows.empty() || stopping_()) {
            topic.pending = !rows.empty();
            return false;  // nothing delivered: the batch rolls back
        }
        const Delivery delivery = (this->*topic.deliver)(rows);
        if (!delivery.ok) {
            topic_failed(topic, delivery.failure);
            return false;  // rolls back: the rows stay for the next attempt
        }
        const int deleted = batch->complete();
        batch_committed();
        if (deleted != static_cast<int>(rows.size())) {
            // The rows were locked by us: fewer means someone deleted them by hand meanwhile.
            log::warn("outbox_delete removed fewer rows than were delivered",
                      {{"topic", std::string(topic.name)},
                       {"delivered", Json::UInt64(rows.size())},
                       {"deleted", deleted}});
        }
        (stats_.*topic.count)(rows.size());
        topic.backoff.reset();
        topic.state.up();
        if (log::enabled(log::Level::kDebug)) {
            log::debug(topic.delivered_message,
                       {{"rows", Json::UInt64(rows.size())},
                        {"first_outbox_id", Json::Int64(rows.front().id)},
                        {"last_outbox_id", Json::Int64(rows.back().id)},
                        {"delivery_ms", Json::Int64(delivery.elapsed.count())},
                        {"ids", delivery.ids}});
        }
        // Claim again until a claim finds nothing: under a steady stream the bridge stays busy
        // (and writers need not notify it) instead of marking itself idle after every batch.
        topic.pending = true;
        return rows.size() >= static_cast<size_t>(config_.batch_size);
    } catch (const std::exception& e) {
        drain_failed(topic, e);
    }
    return false;
}

Bridge::Delivery Bridge::publish_images(const std::vector<OutboxRow>& rows) {
    std::vector<amqp::Message> messages;
    messages.reserve(rows.size());
    Json::Value request_ids(Json::arrayValue);
    Json::Value job_ids(Json::arrayValue);
    for (const OutboxRow& row : rows) {
        ImageEvent event = image_event(row.payload);
        if (event.job_id.empty()) {
            log::warn("image.process payload without job_id; published without message_id",
                      {{"outbox_id", Json::Int64(row.id)}});
        }
        add_distinct(job_ids, event.job_id);
        add_distinct(request_ids, event.request_id);
        messages.push_back(std::move(event.message));
    }
    const PublishOutcome outcome = publisher_->publish(messages, publish_stopping_);
    Delivery delivery;
    delivery.ok = outcome.ok;
    delivery.elapsed = outcome.elapsed;
    if (!outcome.ok) {
        delivery.failure = outcome.failure + "; first outbox id " +
                           std::to_string(rows.front().id) + ", request ids " +
                           json::compact(request_ids);
    }
    delivery.ids["jobs"] = std::move(job_ids);
    delivery.ids["requests"] = std::move(request_ids);
    return delivery;
}

Bridge::Delivery Bridge::invalidate_cache(const std::vector<OutboxRow>& rows) {
    std::vector<Invalidation> products;
    products.reserve(rows.size());
    Json::Value product_ids(Json::arrayValue);
    Json::Value seller_ids(Json::arrayValue);
    for (const OutboxRow& row : rows) {
        if (const auto event = invalidation(row.payload)) {
            products.push_back(*event);
            if (event->product_id != 0) {
                add_distinct(product_ids, std::to_string(event->product_id));
            }
            for (const int64_t seller : event->user_ids) {
                add_distinct(seller_ids, std::to_string(seller));
            }
        } else {
            // Retrying cannot fix it; keeping it would block nothing but grow forever.
            log::error("cache.invalidate payload names neither a product nor a seller; dropped",
                       {{"outbox_id", Json::Int64(row.id)}, {"payload", row.payload}});
        }
    }
    const auto start = Clock::now();
    cache_->invalidate(products);
    Delivery delivery;
    delivery.ok = true;
    delivery.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    delivery.ids["products"] = std::move(product_ids);
    delivery.ids["sellers"] = std::move(seller_ids);
    return delivery;
}

void Bridge::drain_failed(Topic& topic, const std::exception& error) {
    // The batch's transaction is gone by now (unwound before this handler ran).
    if (!topic.destination.connected()) {
        // The destination went away mid-batch: the rows go out after the reconnect.
        destination_lost(topic, error.what());
    } else if (pg::is_unavailable(error) || (outbox_ && !outbox_->is_open())) {
        postgres_lost(error.what());
    } else {
        topic_failed(topic, pg::first_line(error));
    }
}

void Bridge::topic_failed(Topic& topic, const std::string& error) {
    const auto delay = topic.backoff.next();
    topic.retry_at = Clock::now() + delay;
    topic.state.down(error, delay);
}

Bridge::Clock::time_point Bridge::next_wake(Clock::time_point now) const {
    auto wake = now + kWaitSlice;
    auto consider = [&](bool when, Clock::time_point at) {
        if (when) {
            wake = std::min(wake, at);
        }
    };
    consider(!outbox_, postgres_.retry_at);
    consider(outbox_ != nullptr, next_poll_);
    for (const Topic* topic : {&images_, &invalidations_}) {
        const bool connected = topic->destination.connected();
        consider(!connected, topic->connection.retry_at);
        consider(outbox_ && connected && topic->pending, topic->retry_at);
    }
    // A busy bridge is woken by nobody: it waits no longer than its next try to mark itself idle.
    consider(outbox_ && !idle_, idle_marking_.retry_at);
    consider(true, watchdog_.due());
    return std::max(wake, now);
}

void Bridge::wait(Clock::time_point until) {
    const milliseconds timeout = ms_until(Clock::now(), until);
    if (outbox_) {
        try {
            if (outbox_->wait_for_notification(timeout)) {
                request_drain();
            }
            if (outbox_->backend_pid() != backend_pid_) {
                // libpqxx reconnected by itself (it LISTENs again): treat it as a reconnect.
                backend_pid_ = outbox_->backend_pid();
                log::info("reconnected to PostgreSQL", {{"backend_pid", backend_pid_}});
                idle_ = false;
                request_drain();
            }
        } catch (const std::exception& e) {
            postgres_lost(e.what());
        }
    } else if (timeout.count() > 0) {
        sleep_for(timeout);
    }
    try {
        publisher_->keep_alive();
    } catch (const std::exception& e) {
        destination_lost(images_, e.what());
    }
}

void Bridge::report_status(Clock::time_point now, bool final) {
    if (!final && now - stats_.since() < config_.stats_interval) {
        return;
    }
    const Interval interval = stats_.close(now);
    Backlog backlog;
    Json::Value waiting_images;  // null when unknown
    Json::Value waiting_invalidations;
    // At the end only the counters: the database may be what we are stopping for.
    if (!final && outbox_) {
        try {
            backlog = parse_backlog(outbox_->backlog());
            waiting_images = Json::Int64(backlog.images.rows);
            waiting_invalidations = Json::Int64(backlog.invalidations.rows);
            outbox_->report(stats_.published(), interval.published_per_s(), stats_.invalidated());
        } catch (const std::exception& e) {
            if (pg::is_unavailable(e) || !outbox_->is_open()) {
                postgres_lost(e.what());
            } else {
                log::warn("cannot read or report the outbox backlog",
                          {{"error", pg::first_line(e)}});
            }
        }
    }
    const log::Level level = final ? log::Level::kInfo : status_level(interval, backlog);
    log::write(level,
               level == log::Level::kWarn ? "outbox not draining: rows wait and none went out"
                                          : "outbox status",
               {{"published", Json::UInt64(interval.published)},
                {"published_per_s", interval.published_per_s()},
                {"invalidated", Json::UInt64(interval.invalidated)},
                {"seconds", interval.seconds},
                {"waiting_image_process", waiting_images},
                {"oldest_image_process_s", backlog.images.oldest_age_s},
                {"waiting_cache_invalidate", waiting_invalidations},
                {"oldest_cache_invalidate_s", backlog.invalidations.oldest_age_s},
                {"published_total", Json::UInt64(stats_.published())},
                {"invalidated_total", Json::UInt64(stats_.invalidated())}});
    if (!final) {
        systemd::notify("STATUS=" + systemd_status(interval, backlog));
    }
}

}  // namespace pms::bridge
