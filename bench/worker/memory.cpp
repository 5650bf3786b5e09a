/// Worst cases through the whole worker, one input at a time on a freshly started worker.
#include "bench/worker/memory.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "bench/worker/paths.hpp"
#include "bench/worker/process.hpp"
#include "bench/worker/stack_api.hpp"
#include "bench/worker/worst_cases.hpp"
#include "common/json.hpp"

namespace pms::bench {

namespace {

using Clock = std::chrono::steady_clock;

double round1(double value) {
    return std::round(value * 10) / 10;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool alive(long pid) {
    struct stat info {};
    return stat(("/proc/" + std::to_string(pid)).c_str(), &info) == 0;
}

long file_size(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 ? static_cast<long>(info.st_size) : -1;
}

/// The worker with `jobs` products of this file posted at once.
Json::Value measure_worker(const MemoryOptions& options, const WorstCase& input,
                           const std::string& path, const Json::Value& user_id) {
    run(Command{options.restart, {}});
    const std::optional<long> pid = read_pid(options.pid_file);
    if (!pid || !alive(*pid)) {
        throw std::runtime_error("the worker is not running after its restart");
    }
    Json::Value result;
    if (const std::optional<double> idle = vm_hwm_mb_of(*pid)) {
        result["idle_vmhwm_mb"] = round1(*idle);
    }

    // A file of its own per job on the origin: the same bytes, different URLs.
    const std::string bytes = read_file(path);
    const std::string stamp = std::to_string(std::time(nullptr));
    std::vector<std::string> copies;
    std::vector<std::string> bodies;
    for (int i = 0; i < options.jobs; ++i) {
        const std::string name =
            "memory-" + input.name + "-" + stamp + "-" + std::to_string(i) + "." + input.extension;
        copies.push_back(options.origin_dir + "/" + name);
        std::ofstream(copies.back(), std::ios::binary) << bytes;
        Json::Value body;
        body["user_id"] = user_id;
        body["product_name"] = "memory " + input.name;
        body["product_price"] = 1;
        body["product_images"] = Json::arrayValue;
        body["product_images"].append(options.origin_url + "/" + name);
        bodies.push_back(json::compact(body));
    }

    // Every POST at once, so both jobs reach the worker's two threads together.
    const Clock::time_point start = Clock::now();
    std::vector<std::string> products(bodies.size());
    std::vector<std::string> errors(bodies.size());
    std::vector<std::thread> posts;
    for (size_t i = 0; i < bodies.size(); ++i) {
        posts.emplace_back([&, i] {
            try {
                const Json::Value product =
                    api_call("POST", options.api_url + "/api/v1/products", bodies[i], 201);
                products[i] = options.api_url + "/api/v1/products/" + product["id"].asString();
            } catch (const std::exception& error) {
                errors[i] = error.what();
            }
        });
    }
    for (std::thread& post : posts) {
        post.join();
    }
    for (const std::string& error : errors) {
        if (!error.empty()) {
            throw std::runtime_error(error);
        }
    }

    // Until every job is done or failed, the worker dies, or the time is up.
    const Clock::time_point deadline = start + std::chrono::seconds(options.timeout_seconds);
    std::vector<Json::Value> jobs(products.size());
    std::vector<bool> ended(products.size(), false);
    bool worker_died = false;
    while (true) {
        for (size_t i = 0; i < products.size(); ++i) {
            if (ended[i]) {
                continue;
            }
            const Json::Value product = api_call("GET", products[i], "", 200);
            const Json::Value& image = product["images"][0];
            const std::string status = image["status"].asString();
            jobs[i]["status"] = status;
            if (status == "done" || status == "failed") {
                ended[i] = true;
                jobs[i]["seconds"] = std::round(seconds_since(start) * 100) / 100;
                if (status == "failed") {
                    jobs[i]["error"] = image["error"];
                } else {
                    jobs[i]["width"] = image["width"];
                    jobs[i]["height"] = image["height"];
                    jobs[i]["bytes"] = image["bytes"];
                }
            }
        }
        if (std::all_of(ended.begin(), ended.end(), [](bool e) { return e; })) {
            break;
        }
        if (!alive(*pid)) {
            worker_died = true;
            break;
        }
        if (Clock::now() > deadline) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double seconds = seconds_since(start);
    const std::optional<double> hwm = vm_hwm_mb_of(*pid);
    for (const std::string& copy : copies) {
        std::remove(copy.c_str());
    }

    int done = 0;
    int failed = 0;
    for (size_t i = 0; i < jobs.size(); ++i) {
        if (!ended[i]) {
            jobs[i]["error"] =
                worker_died ? "the worker died before the job ended"
                            : "not ended after " + std::to_string(options.timeout_seconds) + " s";
        }
        const std::string status = jobs[i]["status"].asString();
        done += status == "done" ? 1 : 0;
        failed += status == "failed" ? 1 : 0;
        result["jobs"].append(jobs[i]);
    }
    result["outcome"] = done == options.jobs            ? "done"
                        : failed == options.jobs        ? "failed"
                        : worker_died                   ? "worker died"
                        : done + failed == options.jobs ? "mixed"
                                                        : "timed out";
    result["worker_died"] = worker_died;
    result["seconds"] = std::round(seconds * 100) / 100;
    if (hwm) {
        result["vmhwm_mb"] = round1(*hwm);
        result["met"] = *hwm <= options.target_mb;
    } else {
        result["vmhwm_mb"] = Json::nullValue;
        result["met"] = false;
    }
    return result;
}

/// vipsthumbnail on the same file, one thread, bounded: its peak RSS (wait4's ru_maxrss, what
/// `/usr/bin/time -f %M` prints) and wall time, or that it could not read the file.
Json::Value measure_vips(const MemoryOptions& options, const WorstCase& input,
                         const std::string& path) {
    Json::Value result;
    const std::string out = options.vips_out + "/" + input.name + ".jpg[Q=75,strip]";
    // `timeout` waits for vipsthumbnail, so its ru_maxrss covers vipsthumbnail's.
    const Command command{{"timeout", "300", "vipsthumbnail", path, "-s", "800x600", "-o", out},
                          {"VIPS_CONCURRENCY=1"}};
    try {
        const Measured measured = run(command);
        result["ok"] = true;
        result["peak_rss_mb"] = round1(measured.peak_rss_mb);
        result["seconds"] = std::round(measured.wall_ms / 10) / 100;
    } catch (const std::exception& error) {
        result["ok"] = false;
        result["error"] = "vipsthumbnail failed (its message is in the run's output)";
    }
    return result;
}

bool wanted(const MemoryOptions& options, const WorstCase& input) {
    return input.baseline || options.only.empty() ||
           std::find(options.only.begin(), options.only.end(), input.name) != options.only.end();
}

}  // namespace

Json::Value run_memory(const MemoryOptions& options) {
    std::vector<WorstCase> cases;
    for (const WorstCase& input : worst_cases()) {
        if (wanted(options, input)) {
            cases.push_back(input);
        }
    }
    const std::vector<std::string> paths = ensure_worst_cases(cases, options.inputs);
    if (options.vips) {
        mkdir(options.vips_out.c_str(), 0755);
    }
    const Json::Value user =
        api_call("POST", options.api_url + "/api/v1/users", "{\"name\": \"bench memory\"}", 201);

    Json::Value report;
    report["target_mb"] = options.target_mb;
    report["jobs_at_once"] = options.jobs;
    report["cases"] = Json::arrayValue;
    double worst = 0;
    int met = 0;
    int measured = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        const WorstCase& input = cases[i];
        std::cerr << "pms-worker-bench: memory: " << input.name << "\n";
        Json::Value entry;
        entry["name"] = input.name;
        entry["description"] = input.description;
        entry["format"] = input.extension;
        entry["width"] = input.width;
        entry["height"] = input.height;
        entry["megapixels"] = round1(static_cast<double>(input.width) * input.height / 1e6);
        entry["file_bytes"] = static_cast<Json::Int64>(file_size(paths[i]));
        entry["baseline"] = input.baseline;
        entry["worker"] = measure_worker(options, input, paths[i], user["id"]);
        if (options.vips) {
            entry["vips"] = measure_vips(options, input, paths[i]);
        }
        std::cerr << "pms-worker-bench: memory: " << input.name << ": "
                  << json::compact(entry["worker"]) << "\n";
        if (input.baseline) {
            report["worker_memory_baseline_vmhwm_mb"] = entry["worker"]["vmhwm_mb"];
        } else {
            ++measured;
            met += entry["worker"]["met"].asBool() ? 1 : 0;
            worst = std::max(worst, entry["worker"]["vmhwm_mb"].isNumeric()
                                        ? entry["worker"]["vmhwm_mb"].asDouble()
                                        : 0.0);
        }
        report["cases"].append(entry);
    }
    report["worker_memory_max_vmhwm_mb"] = worst;
    report["worker_memory_cases_met"] = met;
    report["worker_memory_cases"] = measured;
    report["worker_memory_target_mb"] = options.target_mb;
    report["method"] =
        "per input: pms-worker restarted with PMS_WORKER_CONCURRENCY=2, two products with that "
        "image (two URLs of the same file on a local origin) posted at once through the API, "
        "polled until both jobs are done or failed (bounded), then the worker's VmHWM from "
        "/proc/<pid>/status; seconds from the POSTs until both ended. vipsthumbnail: one "
        "process, VIPS_CONCURRENCY=1, -s 800x600, peak RSS from wait4 (as /usr/bin/time -f %M)";
    return report;
}

}  // namespace pms::bench
