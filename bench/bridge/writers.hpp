#pragma once
/// What the benchmark writes: products through api.create_product as fast as several clients
/// can (the write path whose commits a NOTIFY slows down), and image.process events straight
/// into the outbox (to measure the bridge alone).

#include <chrono>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace pms::bridge_bench {

using Clock = std::chrono::steady_clock;

/// Products (one image each) created per second by `clients` connections over `duration`.
double insert_rate(const std::string& database_url, int64_t user, int clients,
                   std::chrono::milliseconds duration);

/// The SQL of one image.process event per job id in $1 (bigint[]), shaped like the events the
/// triggers write; each job is its own product.
extern const char* const kInsertEvents;

/// Inserts `count` events (job ids from `first_job`), `events_per_product` to a product, in one
/// transaction; returns when its COMMIT returned.
Clock::time_point write_backlog(pqxx::connection& owner, int64_t first_job, int count,
                                int events_per_product);

/// Polls until the outbox is empty; the moment it saw it empty (or `deadline`).
Clock::time_point wait_outbox_empty(pqxx::connection& owner, Clock::time_point deadline);

/// Removes what the benchmark left in the outbox (a run without a bridge fills it).
void clear_outbox(pqxx::connection& owner);

}  // namespace pms::bridge_bench
