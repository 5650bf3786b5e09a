/// Renames under readers, for the stale-copy race tests.
#include "tests/e2e/api/dba_renames.hpp"

#include <atomic>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {

void rename_while_reading(const std::string& url, const std::string& id, int renames) {
    std::atomic<bool> writing{true};
    std::vector<std::thread> readers;
    readers.reserve(4);
    for (int r = 0; r < 4; ++r) {
        readers.emplace_back([&] {
            while (writing.load()) {
                get(url);
            }
        });
    }
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    for (int i = 1; i <= renames; ++i) {
        pqxx::work work(connection);
        work.exec_params("update pms.products set name = $1 where id = $2",
                         "name " + std::to_string(i), id);
        work.commit();
    }
    writing.store(false);
    for (std::thread& reader : readers) {
        reader.join();
    }
}

}  // namespace pms::e2e
