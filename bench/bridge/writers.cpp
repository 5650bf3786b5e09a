/// Writers of the bridge benchmark.
#include "bench/bridge/writers.hpp"

#include <atomic>
#include <thread>

namespace pms::bridge_bench {

const char* const kInsertEvents =
    "insert into pms.outbox (topic, payload)"
    " select 'image.process', jsonb_build_object('job_id', j, 'product_id', j, 'position', 0,"
    "        'source_url', 'http://127.0.0.1:9/bench/' || j || '.jpg', 'request_id', 'bench',"
    "        'enqueued_at', pms.iso_time(clock_timestamp()))"
    "   from unnest($1::bigint[]) as j";

double insert_rate(const std::string& database_url, int64_t user, int clients,
                   std::chrono::milliseconds duration) {
    std::atomic<bool> go{false};
    std::atomic<bool> stop{false};
    std::atomic<int64_t> created{0};
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(clients));
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&] {
            pqxx::connection db(database_url);
            db.prepare("create",
                       "select api.create_product(null, true, $1, 'bench', '', 1, "
                       "array['http://127.0.0.1:9/bench/product.jpg'])");
            while (!go) {
                std::this_thread::yield();
            }
            int64_t mine = 0;
            while (!stop) {
                pqxx::nontransaction statement(db);  // autocommit: one round trip each
                statement.exec_prepared("create", user);
                ++mine;
            }
            created += mine;
        });
    }
    const auto start = Clock::now();
    go = true;
    std::this_thread::sleep_for(duration);
    stop = true;
    for (std::thread& thread : threads) {
        thread.join();
    }
    return static_cast<double>(created) /
           std::chrono::duration<double>(Clock::now() - start).count();
}

Clock::time_point write_backlog(pqxx::connection& owner, int64_t first_job, int count,
                                int events_per_product) {
    pqxx::work transaction(owner);
    transaction.exec_params(
        "insert into pms.outbox (topic, payload)"
        " select 'image.process', jsonb_build_object('job_id', j, 'product_id', j / $3::int,"
        "        'position', j % $3::int, 'source_url', 'http://127.0.0.1:9/bench/' || j || '.jpg',"
        "        'request_id', 'bench', 'enqueued_at', pms.iso_time(clock_timestamp()))"
        "   from generate_series($1::bigint, $1::bigint + $2::int - 1) as j",
        first_job, count, events_per_product);
    transaction.commit();
    return Clock::now();
}

Clock::time_point wait_outbox_empty(pqxx::connection& owner, Clock::time_point deadline) {
    while (Clock::now() < deadline) {
        pqxx::nontransaction look(owner);
        if (!look.exec1("select exists (select from pms.outbox)")[0].as<bool>()) {
            return Clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return deadline;
}

void clear_outbox(pqxx::connection& owner) {
    pqxx::work transaction(owner);
    transaction.exec0("delete from pms.outbox");
    transaction.commit();
}

}  // namespace pms::bridge_bench
