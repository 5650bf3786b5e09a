/// Products through the API, polled until done; the worker's VmHWM from /proc.
#include "bench/worker/whole_worker.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "bench/worker/paths.hpp"
#include "bench/worker/stack_api.hpp"
#include "common/json.hpp"

namespace pms::bench {

namespace {

constexpr int kImagesPerProduct = 10;  // the API's limit

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
        api_call("POST", options.api_url + "/api/v1/users", "{\"name\": \"bench\"}", 201);

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
            api_call("POST", options.api_url + "/api/v1/products", json::compact(body), 201);
        products.push_back(options.api_url + "/api/v1/products/" + product["id"].asString());
    }
    const auto deadline = start + std::chrono::minutes(5);
    for (const std::string& product : products) {
        while (true) {
            const Json::Value body = api_call("GET", product, "", 200);
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
