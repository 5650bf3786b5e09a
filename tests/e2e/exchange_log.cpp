/// The exchange log of the end-to-end tests.
#include "tests/e2e/exchange_log.hpp"

#include <gtest/gtest.h>
#include <json/value.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "common/json.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {

void log_exchange(const std::string& method, const std::string& url, const HttpResponse& response) {
    const char* file = std::getenv("PMS_E2E_EXCHANGE_LOG");
    if (file == nullptr || *file == '\0' || response.status == 0) {
        return;
    }
    const std::string base = api_url();
    if (url.rfind(base, 0) != 0) {
        return;
    }
    Json::Value exchange(Json::objectValue);
    exchange["method"] = method;
    exchange["path"] = url.substr(base.size());
    exchange["status"] = static_cast<Json::Int64>(response.status);
    exchange["content_type"] = response.header("content-type");
    Json::Value& headers = exchange["headers"] = Json::Value(Json::objectValue);
    for (const auto& [name, value] : response.headers) {
        headers[name] = value;
    }
    exchange["body"] = response.body;
    const std::string line = json::compact(exchange) + "\n";

    // The load tests send from several threads; a line is written whole.
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    std::ofstream out(file, std::ios::app | std::ios::binary);
    out << line;
    EXPECT_TRUE(out.good()) << "cannot append to PMS_E2E_EXCHANGE_LOG " << file;
}

}  // namespace pms::e2e
