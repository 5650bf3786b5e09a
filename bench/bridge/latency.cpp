/// Paced writers, one reader, and the latency percentiles.
#include "bench/bridge/latency.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/bridge/writers.hpp"
#include "tests/e2e/bridge/work_queue.hpp"

namespace pms::bridge_bench {

namespace {

using std::chrono::milliseconds;

/// Job ids apart between writers: far more than one writer commits in a run.
constexpr int64_t kJobsPerWriter = 100000000;

struct Event {
    int64_t job;
    Clock::time_point at;
};

/// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) {
        return 0;
    }
    const auto rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::max<size_t>(rank, 1) - 1];
}

/// One writer: a transaction of `settings.events_per_transaction` events every period.
std::vector<Event> write_paced(const LatencySettings& settings, int writer) {
    pqxx::connection db(settings.database_url);
    db.prepare("events", kInsertEvents);
    const auto period = std::chrono::duration<double>(settings.events_per_transaction *
                                                      settings.writers / settings.events_per_s);
    std::vector<Event> committed;
    int64_t next_job = settings.first_job + writer * kJobsPerWriter;
    const auto start = Clock::now();
    for (int64_t k = 0;; ++k) {
        const auto due = start + std::chrono::duration_cast<Clock::duration>(period * k);
        if (due >= start + settings.duration) {
            break;
        }
        std::this_thread::sleep_until(due);  // behind schedule: no sleep, catch up
        std::string jobs = "{";
        for (int e = 0; e < settings.events_per_transaction; ++e) {
            jobs += (e == 0 ? "" : ",") + std::to_string(next_job + e);
        }
        jobs += "}";
        pqxx::nontransaction statement(db);  // autocommit: the COMMIT returns with it
        statement.exec_prepared("events", jobs);
        const auto at = Clock::now();
        for (int e = 0; e < settings.events_per_transaction; ++e) {
            committed.push_back({next_job++, at});
        }
    }
    return committed;
}

}  // namespace

LatencyResult measure_latency(const LatencySettings& settings) {
    std::atomic<bool> stop_reading{false};
    std::atomic<bool> reading{false};
    std::vector<Event> arrived;
    std::thread reader([&] {
        bridge_testkit::WorkQueueReader queue(settings.amqp_url);
        reading = true;
        while (true) {
            if (auto delivered = queue.next(milliseconds(50))) {
                arrived.push_back({delivered->job_id, delivered->received_at});
            } else if (stop_reading) {
                break;
            }
        }
    });

    while (!reading) {
        std::this_thread::sleep_for(milliseconds(1));
    }
    std::mutex mutex;
    std::vector<Event> committed;
    std::vector<std::thread> writers;
    writers.reserve(static_cast<size_t>(settings.writers));
    const auto start = Clock::now();
    const auto wall_start = std::chrono::system_clock::now();
    for (int w = 0; w < settings.writers; ++w) {
        writers.emplace_back([&, w] {
            std::vector<Event> mine = write_paced(settings, w);
            const std::lock_guard<std::mutex> lock(mutex);
            committed.insert(committed.end(), mine.begin(), mine.end());
        });
    }
    for (std::thread& writer : writers) {
        writer.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    {
        pqxx::connection owner(settings.database_url);
        wait_outbox_empty(owner, Clock::now() + std::chrono::seconds(30));
    }
    stop_reading = true;  // the reader stops after 50 ms without a message
    reader.join();

    std::unordered_map<int64_t, Clock::time_point> first_arrival;
    for (const Event& event : arrived) {
        first_arrival.emplace(event.job, event.at);
    }
    LatencyResult result;
    result.events = static_cast<int64_t>(committed.size());
    result.achieved_events_per_s = static_cast<double>(committed.size()) / seconds;
    std::vector<double> latencies;
    latencies.reserve(committed.size());
    Clock::time_point slowest_at = start;
    for (const Event& event : committed) {
        const auto found = first_arrival.find(event.job);
        if (found == first_arrival.end()) {
            ++result.lost;
            continue;
        }
        latencies.push_back(
            std::chrono::duration<double, std::milli>(found->second - event.at).count());
        if (latencies.back() > result.max_ms) {
            result.max_ms = latencies.back();
            slowest_at = event.at;
        }
    }
    result.slowest_committed_at =
        wall_start +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(slowest_at - start);
    std::sort(latencies.begin(), latencies.end());
    result.p50_ms = percentile(latencies, 0.50);
    result.p99_ms = percentile(latencies, 0.99);
    return result;
}

}  // namespace pms::bridge_bench
