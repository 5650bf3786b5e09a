/// Parallel transform of a list of files, each file read and written whole like a job's bytes.
#include "bench/worker/transform_files.hpp"

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/worker/paths.hpp"
#include "worker/pipeline/image_transform.hpp"

namespace pms::bench {

namespace {

struct Arguments {
    int threads = 1;
    std::string out;
    worker::TransformOptions options;
    std::vector<std::string> files;
};

Arguments parse(int argc, char** argv) {
    Arguments a;
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--threads") {
            a.threads = std::stoi(value());
        } else if (arg == "--out") {
            a.out = value();
        } else if (arg == "--max-width") {
            a.options.max_width = std::stoi(value());
        } else if (arg == "--max-height") {
            a.options.max_height = std::stoi(value());
        } else if (arg == "--quality") {
            a.options.output.quality = std::stoi(value());
        } else {
            a.files.push_back(arg);
        }
    }
    if (a.out.empty() || a.files.empty() || a.threads < 1) {
        throw std::invalid_argument("usage: transform --threads N --out DIR FILE...");
    }
    return a;
}

void transform_one(const std::string& file, const Arguments& arguments) {
    const worker::EncodedImage image = worker::transform(read_file(file), arguments.options);
    std::ofstream out(arguments.out + "/" + stem(file) + "." + image.extension, std::ios::binary);
    out.write(image.bytes.data(), static_cast<std::streamsize>(image.bytes.size()));
}

}  // namespace

int transform_files(int argc, char** argv) {
    try {
        const Arguments arguments = parse(argc, argv);
        std::atomic<size_t> next{0};
        std::atomic<bool> failed{false};
        auto work = [&] {
            for (size_t i = next++; i < arguments.files.size(); i = next++) {
                try {
                    transform_one(arguments.files[i], arguments);
                } catch (const std::exception& error) {
                    std::cerr << arguments.files[i] << ": " << error.what() << "\n";
                    failed = true;
                }
            }
        };
        std::vector<std::thread> threads;
        for (int t = 1; t < arguments.threads; ++t) {
            threads.emplace_back(work);
        }
        work();
        for (std::thread& thread : threads) {
            thread.join();
        }
        return failed ? 1 : 0;
    } catch (const std::exception& error) {
        std::cerr << "pms-worker-bench transform: " << error.what() << "\n";
        return 2;
    }
}

}  // namespace pms::bench
