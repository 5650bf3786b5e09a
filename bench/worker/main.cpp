/// pms-worker-bench: `suite` compares the image pipeline with vipsthumbnail and ImageMagick and
/// writes a JSON report; `transform` is the pipeline's side of that comparison.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "bench/worker/corpus.hpp"
#include "bench/worker/psnr.hpp"
#include "bench/worker/suite.hpp"
#include "bench/worker/transform_files.hpp"
#include "common/json.hpp"

namespace {

int usage() {
    std::cerr << "usage: pms-worker-bench suite --work DIR --json FILE [--quick]\n"
                 "           [--api URL --origin-dir DIR --origin-url URL --worker-pid-file F]\n"
                 "       pms-worker-bench transform --threads N --out DIR FILE...\n"
                 "       pms-worker-bench generate WIDTH HEIGHT SEED FILE\n"
                 "       pms-worker-bench psnr SOURCE OUTPUT REFDIR\n";
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
        if (command == "psnr") {
            return pms::bench::measure_psnr(argc - 2, argv + 2);
        }
    } catch (const std::exception& error) {
        std::cerr << "pms-worker-bench: " << error.what() << "\n";
        return 1;
    }
    return usage();
}
