/// The stack access of the worker's end-to-end tests.
#include "worker_stack.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "image_fixtures.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "worker/amqp/amqp.hpp"
#include "worker/amqp/amqp_topology.hpp"

namespace pms::e2e::worker {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string worker_pidfile() {
    return setting("PMS_STACK_DIR") + "/run/pms-worker.pid";
}

bool alive(pid_t pid) {
    // A zombie is gone for our purpose; /proc/PID/stat says so in its third field.
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const size_t paren = stat.rfind(')');
    return !stat.empty() && paren != std::string::npos && paren + 2 < stat.size() &&
           stat[paren + 2] != 'Z';
}

}  // namespace

/// POSTs `body` to the API path, retrying while the API answers 503 ("retry shortly", as it
/// does once per child after a PostgreSQL restart, which some of these tests cause).
HttpResponse post_retrying(const std::string& path, const std::string& body) {
    HttpResponse response;
    for (int attempt = 0; attempt < 50; ++attempt) {
        response = post_json(api_url() + path, body);
        if (response.status != 503) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return response;
}

Product create_product(const std::vector<std::string>& images) {
    const HttpResponse user =
        post_retrying("/api/v1/users", "{\"name\": \"" + unique("worker-e2e") + "\"}");
    EXPECT_EQ(user.status, 201) << user.body;
    std::string list;
    for (const std::string& image : images) {
        list += (list.empty() ? "\"" : ", \"") + image + "\"";
    }
    const HttpResponse created = post_retrying(
        "/api/v1/products",
        "{\"user_id\": " + std::to_string(user.json()["id"].asInt64()) +
            ", \"product_name\": \"Worker test\", \"product_price\": 1, \"product_images\": [" +
            list + "]}");
    Product product;
    if (created.status != 201) {
        ADD_FAILURE() << "POST /api/v1/products: " << created.status << " " << created.body;
        return product;
    }
    product.id = created.json()["id"].asInt64();
    product.url = api_url() + created.header("location");
    return product;
}

Json::Value wait_for(const Product& product, const std::function<bool(const Json::Value&)>& done,
                     std::chrono::seconds bound, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    Json::Value body;
    while (product.id > 0 && std::chrono::steady_clock::now() < deadline) {
        const HttpResponse response = get(product.url);
        if (response.status != 503) {  // see post_retrying
            EXPECT_EQ(response.status, 200) << response.body;
            body = response.json();
            if (done(body)) {
                return body;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "not " << what << " after " << bound.count()
                  << " s: " << body.toStyledString();
    return body;
}

Json::Value wait_until_processed(const Product& product, std::chrono::seconds bound) {
    return wait_for(
        product,
        [](const Json::Value& body) {
            const std::string status = body["image_status"].asString();
            return status != "pending" && status != "processing";
        },
        bound, "processed");
}

JobRow job_row(const Product& product, int position) {
    pqxx::connection connection(setting("PMS_DATABASE_URL"));
    pqxx::nontransaction tx(connection);
    const pqxx::result rows = tx.exec_params(
        "select id, status::text, attempts from pms.image_jobs"
        " where product_id = $1 and position = $2 and status <> 'superseded'",
        product.id, position);
    JobRow row;
    if (rows.size() != 1) {
        ADD_FAILURE() << "no live job for product " << product.id << " position " << position;
        return row;
    }
    row.id = rows[0][0].as<long long>();
    row.status = rows[0][1].as<std::string>();
    row.attempts = rows[0][2].as<int>();
    return row;
}

std::vector<std::string> s3_keys(const Product& product) {
    const std::string prefix = "products/" + std::to_string(product.id) + "/";
    const HttpResponse listing =
        get(setting("PMS_S3_ENDPOINT") + "/" + setting("PMS_S3_BUCKET") + "?prefix=" + prefix);
    EXPECT_EQ(listing.status, 200) << listing.body;
    std::vector<std::string> keys;
    size_t at = 0;
    while ((at = listing.body.find("<Key>", at)) != std::string::npos) {
        const size_t end = listing.body.find("</Key>", at);
        keys.push_back(listing.body.substr(at + 5, end - at - 5));
        at = end;
    }
    return keys;
}

bool take_dead_letter(long long job_id, std::chrono::seconds bound) {
    amqp::Connection connection(setting("PMS_AMQP_URL"), std::chrono::seconds(10));
    connection.set_prefetch(100);
    connection.consume(amqp::topology::kDeadQueue);
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto delivery = connection.next_delivery(std::chrono::milliseconds(200))) {
            if (delivery->message.message_id == std::to_string(job_id)) {
                connection.ack(delivery->delivery_tag);
                return true;
            }
            // Someone else's: it goes back to the queue when this connection closes.
        }
    }
    return false;
}

void publish_job(long long job_id, long long product_id) {
    amqp::Connection connection(setting("PMS_AMQP_URL"), std::chrono::seconds(10));
    connection.enable_publisher_confirms();
    amqp::Message message;
    message.message_id = std::to_string(job_id);
    message.body = "{\"job_id\": " + std::to_string(job_id) +
                   ", \"product_id\": " + std::to_string(product_id) +
                   ", \"request_id\": \"worker-e2e-duplicate\"}";
    connection.publish(amqp::topology::kExchange, amqp::topology::kProcessKey, message,
                       /*mandatory=*/true);
    const auto event = connection.next_publisher_event(std::chrono::seconds(10));
    ASSERT_TRUE(event.has_value()) << "no confirm from the broker";
    EXPECT_EQ(event->kind, amqp::PublisherEvent::Kind::kAck);
}

pid_t worker_pid() {
    const std::string text = read_file(worker_pidfile());
    const pid_t pid = text.empty() ? 0 : static_cast<pid_t>(std::atol(text.c_str()));
    return pid > 0 && alive(pid) ? pid : 0;
}

void kill_worker() {
    const pid_t pid = worker_pid();
    ASSERT_NE(pid, 0) << "pms-worker is not running";
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (alive(pid) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(alive(pid)) << "pms-worker survived SIGKILL";
}

void start_worker() {
    const size_t log_before = worker_log().size();
    stack_control("start", "pms-worker");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (worker_log().find("\"message\":\"consuming\"", log_before) != std::string::npos) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "pms-worker did not start consuming";
}

std::string worker_log() {
    return read_file(setting("PMS_STACK_DIR") + "/logs/pms-worker.log");
}

std::string slow_jpeg() {
    // Noise compresses badly: about 250 KB, four seconds at the origin's /slow/ rate.
    fixtures::JpegSpec spec;
    spec.width = 640;
    spec.height = 480;
    spec.quality = 95;
    spec.colour = [](int x, int y) {
        uint32_t h = static_cast<uint32_t>(x) * 374761393U + static_cast<uint32_t>(y) * 668265263U;
        h = (h ^ (h >> 13U)) * 1274126177U;
        return 0xFF000000U | (h & 0xFFFFFFU);
    };
    return fixtures::jpeg(spec);
}

}  // namespace pms::e2e::worker
