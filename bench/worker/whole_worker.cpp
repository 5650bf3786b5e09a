/// Products through the API, polled until done; the worker's VmHWM from /proc.
#include "bench/worker/whole_worker.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "bench/worker/paths.hpp"
#include "common/curl.hpp"
#include "common/json.hpp"

namespace pms::bench {

namespace {

constexpr int kImagesPerProduct = 10;  // the API's limit

size_t append(char* data, size_t size, size_t count, void* body) {
    static_cast<std::string*>(body)->append(data, size * count);
    return size * count;
}

/// One request; the parsed JSON body (throws unless the status is `expected`).
Json::Value call(const std::string& method, const std::string& url, const std::string& body,
                 long expected) {
    curl::Easy easy;
    curl::Headers headers;
    headers.append("Content-Type: application/json");
    // Acting as the admin whose token bench/lib.sh (or bench/worker/run) exports.
    if (const char* token = std::getenv("PMS_BENCH_TOKEN")) {
        headers.append(std::string("Authorization: Bearer ") + token);
    }
    std::string response;
    easy.set(CURLOPT_URL, url.c_str());
    easy.set(CURLOPT_CUSTOMREQUEST, method.c_str());
    easy.set(CURLOPT_HTTPHEADER, headers.get());
    easy.set(CURLOPT_WRITEFUNCTION, &append);
    easy.set(CURLOPT_WRITEDATA, static_cast<void*>(&response));
    easy.set(CURLOPT_TIMEOUT, 30L);
    if (!body.empty()) {
        easy.set(CURLOPT_POSTFIELDS, body.c_str());
    }
    const CURLcode code = easy.perform();
    if (code != CURLE_OK || easy.info<long>(CURLINFO_RESPONSE_CODE) != expected) {
        throw std::runtime_error(method + " " + url + " failed: " + response);
    }
    std::string error;
    const std::optional<Json::Value> value = json::parse_strict(response, &error);
    if (!value) {
        throw std::runtime_error(method + " " + url + ": not JSON: " + error);
    }
    return *value;
}

double vm_hwm_mb(const std::string& pid_file) {
    const std::string pid = read_file(pid_file);
    std::ifstream status("/proc/" + std::to_string(std::stol(pid)) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;  // kB
        }
    }
    throw std::runtime_error("no VmHWM for the worker (pid " + pid + ")");
}

}  // namespace

Json::Value run_whole_worker(const WholeWorkerOptions& options) {
    // Each image a file of its own on the origin, so no job reuses another's download.
    std::vector<std::string> urls;
    for (int i = 0; i < options.images; ++i) {
        const std::string& source =
            options.sources[static_cast<size_t>(i) % options.sources.size()];
        const std::string name = "bench-" + std::to_string(i) + ".jpg";
        std::ofstream(options.origin_dir + "/" + name, std::ios::binary) << read_file(source);
        urls.push_back(options.origin_url + "/" + name);
    }
    const Json::Value user =
        call("POST", options.api_url + "/api/v1/users", "{\"name\": \"bench\"}", 201);

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> products;
    for (size_t first = 0; first < urls.size(); first += kImagesPerProduct) {
        Json::Value body;
        body["user_id"] = user["id"];
        body["product_name"] = "bench";
        body["product_price"] = 1;
        body["product_images"] = Json::arrayValue;
        for (size_t i = first; i < std::min(urls.size(), first + kImagesPerProduct); ++i) {
            body["product_images"].append(urls[i]);
        }
        const Json::Value product =
            call("POST", options.api_url + "/api/v1/products", json::compact(body), 201);
        products.push_back(options.api_url + "/api/v1/products/" + product["id"].asString());
    }
    const auto deadline = start + std::chrono::minutes(5);
    for (const std::string& product : products) {
        while (true) {
            const Json::Value body = call("GET", product, "", 200);
            const std::string status = body["image_status"].asString();
            if (status == "done") {
                break;
            }
            if (status != "pending" && status != "processing") {
                throw std::runtime_error("images not done: " + json::compact(body));
            }
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("images still not done after 5 minutes");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Json::Value report;
    report["images"] = options.images;
    report["seconds"] = std::round(seconds * 100) / 100;
    report["images_per_second"] = std::round(options.images / seconds * 100) / 100;
    report["peak_rss_mb"] = std::round(vm_hwm_mb(options.pid_file) * 10) / 10;
    report["method"] =
        "POST products whose images are 12 MP JPEGs on a local origin; time from the first POST "
        "until every image is done (download, transform, upload to S3, write-back); the "
        "worker's VmHWM, restarted before the run";
    return report;
}

}  // namespace pms::bench
