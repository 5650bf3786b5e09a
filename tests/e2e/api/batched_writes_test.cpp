// POSTs and PUTs that reach a child together are written with one transaction (api.create_products,
// api.update_products). Raced for real through nginx: every request must get its own answer, a
// request that breaks a rule its own error, and nothing of a failed request may be kept, whatever
// else shared its batch.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {
namespace {

constexpr int kClients = 16;
constexpr int kRounds = 12;

std::string products_url() {
    return api_url() + "/api/v1/products";
}

/// What went wrong in the clients' threads: counted, and the first few kept to be shown.
class Failures {
public:
    void add(const std::string& what, const HttpResponse& response) {
        const std::lock_guard<std::mutex> lock(mutex_);
        ++count_;
        if (count_ <= 5) {
            first_ += what + ": " + std::to_string(response.status) + " " + response.body + "\n";
        }
    }
    int count() const { return count_; }
    const std::string& first() const { return first_; }

private:
    std::mutex mutex_;
    int count_ = 0;
    std::string first_;
};

/// The field an error response names, "" when it names none.
std::string error_field(const HttpResponse& response) {
    const Json::Value details = response.json()["error"]["details"];
    return details.isArray() && !details.empty() ? details[0]["field"].asString() : "";
}

TEST(BatchedWrites, EachConcurrentPostGetsItsOwnAnswer) {
    const long long user = create_user(unique("batched posts"));
    const std::string prefix = unique("bp");
    Failures failures;
    std::atomic<int> created{0};
    std::vector<std::thread> clients;
    clients.reserve(kClients);
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            for (int round = 0; round < kRounds; ++round) {
                const std::string name =
                    prefix + "-" + std::to_string(c) + "-" + std::to_string(round);
                const std::string owner = std::to_string(user);
                switch ((c + round) % 4) {
                    case 0:
                    case 1: {  // valid: its own product, with its own name
                        const HttpResponse r = post_json(
                            products_url(), "{\"user_id\": " + owner + ", \"product_name\": \"" +
                                                name + "\", \"product_price\": 2.50}");
                        const std::string id = r.json()["id"].asString();
                        if (r.status != 201 || r.json()["product_name"].asString() != name ||
                            r.header("location") != "/api/v1/products/" + id ||
                            get(products_url() + "/" + id).json()["product_name"].asString() !=
                                name) {
                            failures.add("valid POST " + name, r);
                        } else {
                            ++created;
                        }
                        break;
                    }
                    case 2: {  // breaks a rule of the database: 422 naming the field
                        const HttpResponse r = post_json(
                            products_url(), "{\"user_id\": " + owner + ", \"product_name\": \"" +
                                                name + "\", \"product_price\": 2.505}");
                        if (r.status != 422 || error_field(r) != "product_price") {
                            failures.add("bad price " + name, r);
                        }
                        break;
                    }
                    default: {  // a user that does not exist
                        const HttpResponse r = post_json(
                            products_url(), "{\"user_id\": 999999999999, \"product_name\": \"" +
                                                name + "\", \"product_price\": 1}");
                        if (r.status != 422 || r.json()["error"]["message"].asString() !=
                                                   "user_id must name an existing user") {
                            failures.add("unknown user " + name, r);
                        }
                    }
                }
            }
        });
    }
    for (std::thread& client : clients) {
        client.join();
    }
    EXPECT_EQ(failures.count(), 0) << failures.first();
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::work work(connection);
    EXPECT_EQ(
        work.exec_params1("select count(*) from pms.products where name like $1 || '-%'", prefix)[0]
            .as<int>(),
        created.load())
        << "a product was kept for a request that failed, or lost for one that succeeded";
}

TEST(BatchedWrites, EachConcurrentPutGetsItsOwnAnswerAndEverySuccessCommits) {
    const long long user = create_user(unique("batched puts"));
    constexpr int kProducts = 6;
    std::vector<std::string> ids;
    for (int i = 0; i < kProducts; ++i) {
        const HttpResponse r = post_json(products_url(), "{\"user_id\": " + std::to_string(user) +
                                                             ", \"product_name\": \"start\", "
                                                             "\"product_price\": 1}");
        ASSERT_EQ(r.status, 201) << r.body;
        ids.push_back(r.json()["id"].asString());
    }
    Failures failures;
    std::mutex counts_mutex;
    std::map<std::string, int> successes;  // per product
    std::vector<std::thread> clients;
    clients.reserve(kClients);
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            for (int round = 0; round < kRounds; ++round) {
                const std::string& id = ids[static_cast<size_t>((c + round) % kProducts)];
                const std::string name = "put " + std::to_string(c) + " " + std::to_string(round);
                switch ((c * 7 + round) % 5) {
                    case 0: {  // breaks a rule: 422, and the product keeps what it had
                        const HttpResponse r =
                            put_json(products_url() + "/" + id,
                                     "{\"product_name\": \"\", \"product_price\": 1}");
                        if (r.status != 422 || error_field(r) != "product_name") {
                            failures.add("empty name for " + id, r);
                        }
                        break;
                    }
                    case 1: {  // a product that does not exist
                        const HttpResponse r =
                            put_json(products_url() + "/9" + id + "000000",
                                     "{\"product_name\": \"x\", \"product_price\": 1}");
                        if (r.status != 404) {
                            failures.add("missing product", r);
                        }
                        break;
                    }
                    default: {
                        const HttpResponse r =
                            put_json(products_url() + "/" + id,
                                     "{\"product_name\": \"" + name + "\", \"product_price\": 3}");
                        if (r.status != 200 || r.json()["id"].asString() != id ||
                            r.json()["product_name"].asString() != name) {
                            failures.add(name + " for " + id, r);
                        } else {
                            const std::lock_guard<std::mutex> lock(counts_mutex);
                            ++successes[id];
                        }
                    }
                }
            }
        });
    }
    for (std::thread& client : clients) {
        client.join();
    }
    EXPECT_EQ(failures.count(), 0) << failures.first();
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::work work(connection);
    for (const std::string& id : ids) {
        // Version 1 at creation, one more for each update that answered 200, none for the others.
        EXPECT_EQ(
            work.exec_params1("select version from pms.products where id = $1", id)[0].as<int>(),
            1 + successes[id])
            << "product " << id;
        // What a client reads now is what the database holds (the writes invalidated the cache).
        EXPECT_EQ(get(products_url() + "/" + id).json()["product_name"].asString(),
                  work.exec_params1("select name from pms.products where id = $1", id)[0]
                      .as<std::string>());
    }
}

}  // namespace
}  // namespace pms::e2e
