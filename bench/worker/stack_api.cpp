/// Requests to the stack's API and VmHWM from /proc/<pid>/status.
#include "bench/worker/stack_api.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "common/json.hpp"
#include "worker/pipeline/curl.hpp"

namespace pms::bench {

namespace {

size_t append(char* data, size_t size, size_t count, void* body) {
    static_cast<std::string*>(body)->append(data, size * count);
    return size * count;
}

}  // namespace

Json::Value api_call(const std::string& method, const std::string& url, const std::string& body,
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

std::optional<long> read_pid(const std::string& pid_file) {
    std::ifstream in(pid_file);
    long pid = 0;
    if (!(in >> pid) || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

std::optional<double> vm_hwm_mb_of(long pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;  // kB
        }
    }
    return std::nullopt;
}

double vm_hwm_mb(const std::string& pid_file) {
    const std::optional<long> pid = read_pid(pid_file);
    const std::optional<double> mb = pid ? vm_hwm_mb_of(*pid) : std::nullopt;
    if (!mb) {
        throw std::runtime_error("no VmHWM for the worker (pid file " + pid_file + ")");
    }
    return *mb;
}

}  // namespace pms::bench
