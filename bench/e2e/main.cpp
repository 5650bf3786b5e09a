/// pms-bench-e2e: how long a product's images take from its POST until GET shows every compressed
/// URL, through nginx, pms-api, PostgreSQL, pms-bridge, RabbitMQ, pms-worker and S3: once with an
/// idle queue, once while other clients keep posting products with images.
///
/// Usage: pms-bench-e2e API_URL ORIGIN_DIR ORIGIN_URL [SAMPLES] [LOAD_PER_SECOND] [IMAGES]
/// Prints one JSON object: e2e_p50_ms, e2e_p99_ms (idle), e2e_loaded_p50_ms, e2e_loaded_p99_ms,
/// and the load it kept. Loopback only: the API and the origin are the local stack's.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "common/json.hpp"
#include "worker/pipeline/curl.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

size_t append(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

struct Reply {
    long status = 0;
    std::string body;
};

/// One HTTP exchange on a reused handle (kept connections, as a real client would).
Reply exchange(pms::curl::Easy& easy, const std::string& method, const std::string& url,
               const std::string& body = "") {
    Reply reply;
    easy.reset();
    pms::curl::Headers headers;
    headers.append("Content-Type: application/json");
    // Acting as the admin whose token bench/lib.sh exports.
    if (const char* token = std::getenv("PMS_BENCH_TOKEN")) {
        headers.append(std::string("Authorization: Bearer ") + token);
    }
    easy.set(CURLOPT_URL, url.c_str());
    easy.set(CURLOPT_CUSTOMREQUEST, method.c_str());
    easy.set(CURLOPT_TIMEOUT, 30L);
    easy.set(CURLOPT_WRITEFUNCTION, append);
    easy.set(CURLOPT_WRITEDATA, &reply.body);
    easy.set(CURLOPT_HTTPHEADER, headers.get());
    if (!body.empty()) {
        easy.set(CURLOPT_POSTFIELDS, body.c_str());
    }
    if (easy.perform() == CURLE_OK) {
        reply.status = easy.info<long>(CURLINFO_RESPONSE_CODE);
    }
    return reply;
}

/// A photo-like picture: gradients and grain, so the worker does real work.
std::string photo(int width, int height, unsigned seed) {
    pms::gd::Image image = pms::gd::Image::blank(width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            seed = seed * 1103515245U + 12345U;
            const int grain = static_cast<int>((seed >> 16U) % 21U) - 10;
            image.set_pixel(x, y, std::clamp(x * 255 / width + grain, 0, 255),
                            std::clamp(y * 255 / height + grain, 0, 255),
                            std::clamp(128 + grain, 0, 255));
        }
    }
    return image.encode_jpeg(90);
}

struct Bench {
    std::string api;
    std::vector<std::string> image_urls;
    long long user = 0;

    std::string product_body() const {
        std::string images;
        for (const std::string& url : image_urls) {
            images += (images.empty() ? "\"" : ", \"") + url + "\"";
        }
        return "{\"user_id\": " + std::to_string(user) +
               ", \"product_name\": \"bench e2e\", \"product_price\": 1, \"product_images\": [" +
               images + "]}";
    }

    /// POST, then GET every 5 ms until every image is done: the time the client waited.
    std::optional<milliseconds> one(pms::curl::Easy& easy) const {
        const auto start = Clock::now();
        const Reply created = exchange(easy, "POST", api + "/api/v1/products", product_body());
        auto product = pms::json::parse_strict(created.body, nullptr);
        if (created.status != 201 || !product) {
            std::cerr << "POST failed: " << created.status << " " << created.body << "\n";
            return std::nullopt;
        }
        const std::string url = api + "/api/v1/products/" + (*product)["id"].asString();
        while (Clock::now() - start < std::chrono::seconds(60)) {
            const Reply reply = exchange(easy, "GET", url);
            if (auto body = pms::json::parse_strict(reply.body, nullptr)) {
                const std::string status = (*body)["image_status"].asString();
                if (status == "done") {
                    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
                }
                if (status == "failed" || status == "partial") {
                    std::cerr << "images failed: " << reply.body << "\n";
                    return std::nullopt;
                }
            }
            std::this_thread::sleep_for(milliseconds(5));
        }
        std::cerr << "images not done after 60 s\n";
        return std::nullopt;
    }
};

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const size_t index = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
    return values[std::min(index, values.size() - 1)];
}

std::vector<double> measure(const Bench& bench, int samples) {
    pms::curl::Easy easy;
    std::vector<double> latencies;
    for (int i = 0; i < samples; ++i) {
        if (auto latency = bench.one(easy)) {
            latencies.push_back(static_cast<double>(latency->count()));
        }
    }
    return latencies;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: pms-bench-e2e API_URL ORIGIN_DIR ORIGIN_URL [SAMPLES] "
                     "[LOAD_PER_SECOND] [IMAGES]\n";
        return 2;
    }
    pms::curl::Global curl;
    Bench bench;
    bench.api = argv[1];
    const std::string origin_dir = argv[2];
    const std::string origin_url = argv[3];
    const int samples = argc > 4 ? std::atoi(argv[4]) : 20;
    const double load_rate = argc > 5 ? std::atof(argv[5]) : 2.0;
    const int images = argc > 6 ? std::atoi(argv[6]) : 2;

    // Phone-camera-sized sources, different per image so nothing is shared.
    for (int i = 0; i < images; ++i) {
        const std::string name = "bench-e2e-" + std::to_string(i) + ".jpg";
        std::ofstream(origin_dir + "/" + name, std::ios::binary)
            << photo(2000 + 16 * i, 1500, static_cast<unsigned>(i + 1));
        bench.image_urls.push_back(origin_url + "/" + name);
    }
    pms::curl::Easy easy;
    const Reply user =
        exchange(easy, "POST", bench.api + "/api/v1/users", R"({"name": "bench e2e"})");
    auto user_json = pms::json::parse_strict(user.body, nullptr);
    if (user.status != 201 || !user_json) {
        std::cerr << "cannot create a user: " << user.status << " " << user.body << "\n";
        return 1;
    }
    bench.user = (*user_json)["id"].asInt64();

    const std::vector<double> idle = measure(bench, samples);

    // The same while another client posts `load_rate` products a second.
    std::atomic<bool> loading{true};
    std::atomic<int> posted{0};
    std::thread load([&] {
        pms::curl::Easy handle;
        const auto period = std::chrono::duration<double>(1.0 / load_rate);
        auto next = Clock::now();
        while (loading.load()) {
            if (exchange(handle, "POST", bench.api + "/api/v1/products", bench.product_body())
                    .status == 201) {
                ++posted;
            }
            next += std::chrono::duration_cast<Clock::duration>(period);
            std::this_thread::sleep_until(next);
        }
    });
    const auto loaded_start = Clock::now();
    const std::vector<double> loaded = measure(bench, samples);
    const double loaded_seconds =
        std::chrono::duration<double>(Clock::now() - loaded_start).count();
    loading.store(false);
    load.join();

    std::printf(
        "{\"e2e_samples\": %zu, \"e2e_images_per_product\": %d, \"e2e_p50_ms\": %.1f, "
        "\"e2e_p99_ms\": %.1f, \"e2e_loaded_samples\": %zu, \"e2e_loaded_p50_ms\": %.1f, "
        "\"e2e_loaded_p99_ms\": %.1f, \"e2e_load_products_per_s\": %.2f}\n",
        idle.size(), images, percentile(idle, 0.5), percentile(idle, 0.99), loaded.size(),
        percentile(loaded, 0.5), percentile(loaded, 0.99), posted.load() / loaded_seconds);
    return idle.size() == static_cast<size_t>(samples) &&
                   loaded.size() == static_cast<size_t>(samples)
               ? 0
               : 1;
}
