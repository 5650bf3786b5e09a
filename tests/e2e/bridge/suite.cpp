/// Shared helpers of the pms-bridge end-to-end tests.
#include "tests/e2e/bridge/suite.hpp"

#include <gtest/gtest.h>
#include <stdio.h>

#include <cstdlib>
#include <set>
#include <thread>

namespace pms::bridge_e2e {

std::unique_ptr<BridgeProcess> start_bridge(const Environment& overrides) {
    static int started = 0;
    const std::string logs = e2e::setting("PMS_STACK_DIR") + "/logs";
    // As scripts/stack starts its programs: sanitizer reports into the logs folder, where
    // scripts/test looks for them; no leak check for processes that are killed.
    Environment environment = {
        {"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:log_path=" + logs + "/asan"},
        {"UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=0:log_path=" + logs + "/ubsan"},
    };
    environment.insert(environment.end(), overrides.begin(), overrides.end());
    const std::string log =
        logs + "/e2e-bridge-" + std::to_string(getpid()) + "-" + std::to_string(++started) + ".log";
    return std::make_unique<BridgeProcess>(e2e::setting("PMS_BUILD_DIR") + "/bin/pms-bridge",
                                           environment, log);
}

std::unique_ptr<pqxx::connection> owner_connection() {
    return std::make_unique<pqxx::connection>(e2e::setting("PMS_DATABASE_URL"));
}

int64_t create_user(pqxx::connection& db, const std::string& name) {
    pqxx::work transaction(db);
    const auto id =
        transaction
            .exec_params1("select (api.create_user(null, true, $1) ->> 'id')::bigint", name)[0]
            .as<int64_t>();
    transaction.commit();
    return id;
}

void create_products(int64_t user, int count, int images, int per_transaction,
                     std::chrono::milliseconds spread, Clock::time_point deadline) {
    const int transactions = (count + per_transaction - 1) / per_transaction;
    const auto start = Clock::now();
    std::unique_ptr<pqxx::connection> db;
    int done = 0;
    while (done < transactions && Clock::now() < deadline) {
        std::this_thread::sleep_until(start + spread * done / transactions);
        try {
            if (!db || !db->is_open()) {
                db = owner_connection();
            }
            pqxx::work transaction(*db);
            const int first = done * per_transaction;
            const int n = std::min(per_transaction, count - first);
            // Each product gets `images` distinct URLs; the origin never serves them: the
            // worker is stopped, only the messages matter.
            transaction.exec_params(
                "select api.create_product(null, true, $1::bigint, 'bridge e2e ' || g, '', 1,"
                "       array(select 'http://127.0.0.1:9/bridge-e2e/' || $1 || '/' || g || '/' || i"
                "                    || '.jpg' from generate_series(1, $4::int) as i))"
                "  from generate_series($2::int, $3::int) as g",
                user, first + 1, first + n, images);
            transaction.commit();
            ++done;
        } catch (const std::exception&) {
            // PostgreSQL going away: this batch is retried (it committed or it did not; the
            // database, not this loop, says which products exist).
            db.reset();
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    EXPECT_EQ(done, transactions) << "could not create every product before the deadline";
}

std::map<int64_t, int64_t> jobs_of(pqxx::connection& db, int64_t user) {
    pqxx::read_transaction transaction(db);
    std::map<int64_t, int64_t> jobs;
    for (const pqxx::row& row :
         transaction.exec_params("select j.id, j.product_id from pms.image_jobs as j"
                                 "  join pms.products as p on p.id = j.product_id"
                                 " where p.user_id = $1",
                                 user)) {
        jobs.emplace(row[0].as<int64_t>(), row[1].as<int64_t>());
    }
    return jobs;
}

bool wait_outbox_empty(Clock::time_point deadline) {
    std::unique_ptr<pqxx::connection> db;
    while (Clock::now() < deadline) {
        try {
            if (!db || !db->is_open()) {
                db = owner_connection();
            }
            pqxx::read_transaction transaction(*db);
            if (!transaction.exec1("select exists (select from pms.outbox)")[0].as<bool>()) {
                return true;
            }
        } catch (const std::exception&) {
            db.reset();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

Tally tally(const std::map<int64_t, int64_t>& expected, const std::vector<Delivered>& received) {
    Tally result;
    result.expected = expected.size();
    std::set<int64_t> seen;
    for (const Delivered& delivered : received) {
        if (expected.count(delivered.job_id) == 0) {
            ++result.foreign;
        } else if (!seen.insert(delivered.job_id).second) {
            ++result.duplicates;
        }
    }
    for (const auto& [job, product] : expected) {
        if (seen.count(job) == 0) {
            ++result.missing;
            if (result.missing_ids.size() < 20) {
                result.missing_ids.push_back(job);
            }
        }
    }
    return result;
}

std::vector<Delivered> read_work_queue(Clock::time_point deadline) {
    bridge_testkit::WorkQueueReader reader(e2e::setting("PMS_AMQP_URL"));
    return reader.read_until_quiet(std::chrono::seconds(1), deadline);
}

std::string rabbitmqctl(const std::string& arguments) {
    const std::string command =
        e2e::setting("PMS_REPO_DIR") + "/scripts/stack rabbitmqctl " + arguments + " 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        size_t n = 0;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
            output.append(buffer, n);
        }
        EXPECT_EQ(pclose(pipe), 0) << command << "\n" << output;
    } else {
        ADD_FAILURE() << "cannot run " << command;
    }
    return output;
}

}  // namespace pms::bridge_e2e
