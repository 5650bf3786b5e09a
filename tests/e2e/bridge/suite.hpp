#pragma once
/// What the pms-bridge end-to-end tests share: the stack's settings, bridges of their own, and
/// the database as its owner (to create products by SQL and to see what waits in the outbox).
/// The suite stops the stack's pms-bridge and pms-worker while it runs (main.cpp), so the work
/// queue holds exactly what the tests' bridges published.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "tests/e2e/bridge/bridge_process.hpp"
#include "tests/e2e/bridge/work_queue.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::bridge_e2e {

using bridge_testkit::BridgeProcess;
using bridge_testkit::Delivered;
using bridge_testkit::Environment;
using Clock = std::chrono::steady_clock;

/// Starts a pms-bridge of the stack's build with the stack's settings plus `overrides`, logging
/// to a file of its own in the stack's logs folder (sanitizer reports go there too).
std::unique_ptr<BridgeProcess> start_bridge(const Environment& overrides = {});

/// A connection as the database owner (PMS_DATABASE_URL).
std::unique_ptr<pqxx::connection> owner_connection();

/// Creates a user by SQL; returns its id.
int64_t create_user(pqxx::connection& db, const std::string& name);

/// Creates `count` products of `user`, each with `images` image URLs, `per_transaction` to a
/// transaction; each transaction that fails (e.g. PostgreSQL restarting) is retried on a new
/// connection until `deadline`. Paces itself to take about `spread` in all.
void create_products(int64_t user, int count, int images, int per_transaction,
                     std::chrono::milliseconds spread, Clock::time_point deadline);

/// The image jobs of a user's products: job id -> product id. Every job wrote an image.process
/// event when it was queued, superseded or not.
std::map<int64_t, int64_t> jobs_of(pqxx::connection& db, int64_t user);

/// Waits until the outbox is empty; false at the deadline.
bool wait_outbox_empty(Clock::time_point deadline);

/// What the work queue received for a set of jobs.
struct Tally {
    size_t expected = 0;
    size_t missing = 0;     ///< expected jobs that never arrived
    size_t duplicates = 0;  ///< arrivals beyond the first of a job
    size_t foreign = 0;     ///< arrivals of jobs not in the set
    std::vector<int64_t> missing_ids;
};
Tally tally(const std::map<int64_t, int64_t>& expected, const std::vector<Delivered>& received);

/// Reads the work queue until it stays quiet for a second (bounded by `deadline`).
std::vector<Delivered> read_work_queue(Clock::time_point deadline);

/// Runs `scripts/stack rabbitmqctl ARGS` on the stack under test; its output.
std::string rabbitmqctl(const std::string& arguments);

}  // namespace pms::bridge_e2e
