/// pms-worker-bench: `suite` compares the image pipeline with vipsthumbnail and ImageMagick and
/// writes a JSON report; `transform` is the pipeline's side of that comparison; `memory` measures
/// the whole worker's peak memory on the worst-case inputs that `worst-cases` generates.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "bench/worker/corpus.hpp"
#include "bench/worker/memory.hpp"
#include "bench/worker/psnr.hpp"
#include "bench/worker/suite.hpp"
#include "bench/worker/transform_files.hpp"
#include "bench/worker/worst_cases.hpp"
#include "common/json.hpp"

namespace {

int usage() {
    std::cerr
        << "usage: pms-worker-bench suite --work DIR --json FILE [--quick]\n"
           "           [--api URL --origin-dir DIR --origin-url URL --worker-pid-file F]\n"
           "       pms-worker-bench transform --threads N --out DIR FILE...\n"
           "       pms-worker-bench generate WIDTH HEIGHT SEED FILE\n"
           "       pms-worker-bench psnr SOURCE OUTPUT REFDIR\n"
           "       pms-worker-bench worst-cases DIR\n"
           "       pms-worker-bench memory --inputs DIR --json FILE --api URL --origin-dir DIR\n"
           "           --origin-url URL --worker-pid-file F [--only NAME,...] [--timeout S]\n"
           "           [--target-mb N] [--no-vips] -- RESTART-COMMAND...\n";
    return 2;
}

/// This executable's path, so the suite can run itself as the `transform` child.
std::string self_path() {
    char buffer[PATH_MAX] = {};
    const ssize_t length = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    return length > 0 ? std::string(buffer, static_cast<size_t>(length)) : "pms-worker-bench";
}

int suite(int argc, char** argv) {
    pms::bench::SuiteOptions options;
    options.self = self_path();
    std::string json_path;
    pms::bench::WholeWorkerOptions whole;
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--quick") {
            options.quick = true;
        } else if (arg == "--work" && i + 1 < argc) {
            options.work = argv[++i];
        } else if (arg == "--json" && i + 1 < argc) {
            json_path = argv[++i];
        } else if (arg == "--api" && i + 1 < argc) {
            whole.api_url = argv[++i];
        } else if (arg == "--origin-dir" && i + 1 < argc) {
            whole.origin_dir = argv[++i];
        } else if (arg == "--origin-url" && i + 1 < argc) {
            whole.origin_url = argv[++i];
        } else if (arg == "--worker-pid-file" && i + 1 < argc) {
            whole.pid_file = argv[++i];
        } else {
            return usage();
        }
    }
    if (options.work.empty() || json_path.empty()) {
        return usage();
    }
    if (!whole.api_url.empty()) {
        if (whole.origin_dir.empty() || whole.origin_url.empty() || whole.pid_file.empty()) {
            return usage();
        }
        options.whole_worker = whole;
    }
    // vipsthumbnail resolves a relative output name against each input's folder.
    mkdir(options.work.c_str(), 0755);
    char absolute[PATH_MAX] = {};
    if (realpath(options.work.c_str(), absolute) == nullptr) {
        std::cerr << "pms-worker-bench: cannot use " << options.work << "\n";
        return 1;
    }
    options.work = absolute;
    const Json::Value report = pms::bench::run_suite(options);
    Json::StreamWriterBuilder writer;
    writer["indentation"] = "  ";
    writer["precision"] = 3;  // the figures are rounded already: print them as such
    writer["precisionType"] = "decimal";
    std::ofstream out(json_path);
    out << Json::writeString(writer, report) << "\n";
    std::cout << pms::json::compact(report) << "\n";
    return out ? 0 : 1;
}

void write_json(const Json::Value& report, const std::string& path) {
    Json::StreamWriterBuilder writer;
    writer["indentation"] = "  ";
    writer["precision"] = 3;  // the figures are rounded already: print them as such
    writer["precisionType"] = "decimal";
    std::ofstream out(path);
    out << Json::writeString(writer, report) << "\n";
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

int memory(int argc, char** argv) {
    pms::bench::MemoryOptions options;
    std::string json_path;
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool value = i + 1 < argc;
        if (arg == "--") {
            options.restart.assign(argv + i + 1, argv + argc);
            break;
        }
        if (arg == "--no-vips") {
            options.vips = false;
        } else if (arg == "--inputs" && value) {
            options.inputs = argv[++i];
        } else if (arg == "--json" && value) {
            json_path = argv[++i];
        } else if (arg == "--api" && value) {
            options.api_url = argv[++i];
        } else if (arg == "--origin-dir" && value) {
            options.origin_dir = argv[++i];
        } else if (arg == "--origin-url" && value) {
            options.origin_url = argv[++i];
        } else if (arg == "--worker-pid-file" && value) {
            options.pid_file = argv[++i];
        } else if (arg == "--timeout" && value) {
            options.timeout_seconds = std::stoi(argv[++i]);
        } else if (arg == "--target-mb" && value) {
            options.target_mb = std::stod(argv[++i]);
        } else if (arg == "--only" && value) {
            std::string list = argv[++i];
            for (size_t start = 0; start <= list.size();) {
                const size_t comma = std::min(list.find(',', start), list.size());
                if (comma > start) {
                    options.only.push_back(list.substr(start, comma - start));
                }
                start = comma + 1;
            }
        } else {
            return usage();
        }
    }
    if (options.inputs.empty() || json_path.empty() || options.api_url.empty() ||
        options.origin_dir.empty() || options.origin_url.empty() || options.pid_file.empty() ||
        options.restart.empty()) {
        return usage();
    }
    options.vips_out = options.inputs + "/vips-out";
    const Json::Value report = pms::bench::run_memory(options);
    write_json(report, json_path);
    std::cout << pms::json::compact(report) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        return usage();
    }
    const std::string command = argv[1];
    try {
        if (command == "transform") {
            return pms::bench::transform_files(argc - 2, argv + 2);
        }
        if (command == "suite") {
            return suite(argc - 2, argv + 2);
        }
        if (command == "generate") {
            return pms::bench::generate_source(argc - 2, argv + 2);
        }
        if (command == "memory") {
            return memory(argc - 2, argv + 2);
        }
        if (command == "worst-cases") {
            return pms::bench::generate_worst_cases(argc - 2, argv + 2);
        }
        if (command == "psnr") {
            return pms::bench::measure_psnr(argc - 2, argv + 2);
        }
    } catch (const std::exception& error) {
        std::cerr << "pms-worker-bench: " << error.what() << "\n";
        return 1;
    }
    return usage();
}
