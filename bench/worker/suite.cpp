/// The comparison run: corpus, the three tools on one and on two cores, quality against a
/// Lanczos reference, and the JSON report.
#include "bench/worker/suite.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "bench/worker/paths.hpp"
#include "bench/worker/process.hpp"
#include "common/json.hpp"
#include "worker/pipeline/jpeg.hpp"

namespace pms::bench {

namespace {

#define PMS_BENCH_TEXT(x) #x
#define PMS_BENCH_EXPANDED_TEXT(x) PMS_BENCH_TEXT(x)
constexpr const char* kLibjpegTurboVersion = PMS_BENCH_EXPANDED_TEXT(LIBJPEG_TURBO_VERSION);

constexpr int kBoxWidth = 800;
constexpr int kBoxHeight = 600;
constexpr int kQuality = 75;
/// The box as vipsthumbnail and mogrify take it (WxH); a function, so that no static string can
/// throw before main.
std::string box() {
    return std::to_string(kBoxWidth) + "x" + std::to_string(kBoxHeight);
}

struct ImageClass {
    std::string name;
    std::string extension;
    int width;
    int height;
    int sources;
};

/// How one tool is asked to fit `files` into the box at quality 75, writing <stem>.jpg into
/// `out`, using `threads` threads in one process.
using CommandFor = std::function<Command(const std::vector<std::string>& files,
                                         const std::string& out, int threads)>;

struct Tool {
    std::string name;
    CommandFor command;
};

bool exists(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0;
}

void make_directory(const std::string& path) {
    if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
        throw std::runtime_error("cannot create " + path);
    }
}

/// The command's first line of output ("vips-8.14.1"), for the report.
std::string version_of(const std::string& command) {
    std::string line;
    if (FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r")) {
        char buffer[256] = {};
        if (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            line = buffer;
        }
        pclose(pipe);
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
    }
    return line;
}

std::string source_path(const std::string& work, const ImageClass& c, int index) {
    return work + "/corpus/" + c.name + "-" + std::to_string(index) + "." + c.extension;
}

/// Generates the sources that are not there yet (they are kept between runs). Heavy work runs in
/// child processes: this process stays small, because a child started with posix_spawn reports
/// at least its parent's peak memory as its own.
std::vector<std::string> corpus_of(const std::string& self, const std::string& work,
                                   const ImageClass& c) {
    std::vector<std::string> files;
    for (int i = 0; i < c.sources; ++i) {
        const std::string path = source_path(work, c, i);
        if (!exists(path)) {
            std::cerr << "generating " << path << "\n";
            run(Command{{self, "generate", std::to_string(c.width), std::to_string(c.height),
                         std::to_string(c.width + 31 * i), path},
                        {}});
        }
        files.push_back(path);
    }
    return files;
}

std::vector<Tool> tools(const std::string& self) {
    return {
        {"pms",
         [self](const std::vector<std::string>& files, const std::string& out, int threads) {
             Command c{{self, "transform", "--threads", std::to_string(threads), "--out", out,
                        "--quality", std::to_string(kQuality)},
                       {}};
             c.argv.insert(c.argv.end(), files.begin(), files.end());
             return c;
         }},
        {"vips",
         [](const std::vector<std::string>& files, const std::string& out, int threads) {
             // -s WxH fits inside the box; strip drops metadata like ours.
             Command c{{"vipsthumbnail", "-s", box(), "-o",
                        out + "/%s.jpg[Q=" + std::to_string(kQuality) + ",strip]"},
                       {"VIPS_CONCURRENCY=" + std::to_string(threads)}};
             c.argv.insert(c.argv.end(), files.begin(), files.end());
             return c;
         }},
        {"imagemagick",
         [](const std::vector<std::string>& files, const std::string& out, int threads) {
             // jpeg:size lets libjpeg shrink while decoding (ImageMagick's documented fast path
             // for thumbnails); -thumbnail strips profiles.
             Command c{
                 {"mogrify", "-limit", "thread", std::to_string(threads), "-path", out, "-define",
                  "jpeg:size=" + std::to_string(2 * kBoxWidth) + "x" +
                      std::to_string(2 * kBoxHeight),
                  "-thumbnail", box(), "-quality", std::to_string(kQuality), "-strip", "-format",
                  "jpg"},
                 {}};
             c.argv.insert(c.argv.end(), files.begin(), files.end());
             return c;
         }},
    };
}

/// The best of the rounds: on a machine shared with other work, the run least disturbed by it
/// (every tool gets the same number of tries, interleaved).
double best(const std::vector<double>& values) {
    return *std::min_element(values.begin(), values.end());
}

/// Runs of one tool on one class.
struct Runs {
    std::vector<double> one_core_ms;       ///< wall time of the whole list, one thread
    std::vector<double> two_cores_ms;      ///< the same, two threads in one process
    std::vector<double> two_processes_ms;  ///< two one-thread processes, half the list each
    double peak_rss_mb = 0;                ///< one thread
};

std::string output_of(const std::string& dir, const std::string& source) {
    return dir + "/" + stem(source) + ".jpg";
}

/// Output's PSNR against the reference of `source` (run as a child, see corpus_of).
double psnr_of(const std::string& self, const std::string& work, const std::string& source,
               const std::string& output) {
    const std::string command = self + " psnr '" + source + "' '" + output + "' '" + work + "/ref'";
    std::string text;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[64] = {};
        if (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            text = buffer;
        }
        if (pclose(pipe) != 0) {
            text.clear();
        }
    }
    if (text.empty()) {
        throw std::runtime_error("cannot measure the PSNR of " + output);
    }
    return std::stod(text);
}

struct Quality {
    double psnr_db = 0;
    double output_bytes = 0;
};

Quality quality_of(const std::string& self, const std::string& work,
                   const std::vector<std::string>& sources, const std::string& dir) {
    Quality q;
    for (const std::string& source : sources) {
        const std::string output = output_of(dir, source);
        q.psnr_db += psnr_of(self, work, source, output);
        q.output_bytes += static_cast<double>(read_file(output).size());
    }
    q.psnr_db /= static_cast<double>(sources.size());
    q.output_bytes /= static_cast<double>(sources.size());
    return q;
}

/// The corpus: a few sources per class in quick mode, more for the full run.
std::vector<ImageClass> classes_for(bool quick) {
    const int photos = quick ? 2 : 6;
    std::vector<ImageClass> classes;
    classes.push_back({"12mp", "jpg", 4000, 3000, photos});
    classes.push_back({"24mp", "jpg", 6000, 4000, quick ? 1 : 3});
    classes.push_back({"png", "png", 2000, 1500, photos});
    return classes;
}

/// The list each run processes: the sources over and over, `images` in all (an even number,
/// so that two threads or processes share it evenly).
std::vector<std::string> repeated(const std::vector<std::string>& files, int images) {
    std::vector<std::string> list;
    list.reserve(static_cast<size_t>(images));
    for (int i = 0; i < images; ++i) {
        list.push_back(files[static_cast<size_t>(i) % files.size()]);
    }
    return list;
}

Json::Value round_to(double value, double step) {
    return std::round(value / step) * step;
}

}  // namespace

Json::Value run_suite(const SuiteOptions& options) {
    const std::vector<ImageClass> classes = classes_for(options.quick);
    const int images_per_run = options.quick ? 8 : 24;
    const int rounds = options.quick ? 2 : 5;
    const std::string& work = options.work;
    for (const char* dir : {"", "/corpus", "/ref", "/out"}) {
        make_directory(work + dir);
    }
    const std::vector<Tool> all_tools = tools(options.self);

    // Each tool's start-up (loading its libraries) on a tiny image, subtracted from its runs so
    // that a list of a few images does not charge it to the images.
    const ImageClass tiny{"tiny", "jpg", 64, 48, 1};
    const std::vector<std::string> tiny_files = corpus_of(options.self, work, tiny);
    std::map<std::string, double> startup_ms;
    for (const Tool& tool : all_tools) {
        const std::string out = work + "/out/" + tool.name;
        make_directory(out);
        std::vector<double> samples;
        samples.reserve(3);
        for (int i = 0; i < 3; ++i) {
            samples.push_back(run(tool.command(tiny_files, out, 1)).wall_ms);
        }
        startup_ms[tool.name] = *std::min_element(samples.begin(), samples.end());
    }

    Json::Value report;
    report["mode"] = options.quick ? "quick" : "full";
    report["box"] = box();
    report["quality"] = kQuality;
    report["cpus"] = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    report["versions"]["vips"] = version_of("vips --version");
    report["versions"]["imagemagick"] = version_of("convert -version");
    report["versions"]["libjpeg_turbo"] = kLibjpegTurboVersion;
    report["method"] =
        "each tool fits the same files inside the box at the same quality, as a child process, "
        "in rounds that interleave the tools (best round kept: the machine is shared); "
        "ms_per_image = (wall - start-up) / images on one thread; rps_2cores = images / (wall - "
        "start-up) with two threads (vips: the better of one process with VIPS_CONCURRENCY=2 "
        "and two one-thread processes); peak_rss_mb = the process's ru_maxrss on one thread; "
        "psnr_db against ImageMagick's Lanczos resize of the full-resolution decode";
    for (const auto& [name, ms] : startup_ms) {
        report["startup_ms"][name] = round_to(ms, 0.1);
    }

    for (const ImageClass& c : classes) {
        const std::vector<std::string> sources = corpus_of(options.self, work, c);
        const std::vector<std::string> list = repeated(sources, images_per_run);
        const auto images = static_cast<double>(list.size());
        std::map<std::string, Runs> runs;
        // Rounds interleave the tools, so a burst of load from elsewhere hits all of them.
        for (int round = 0; round < rounds; ++round) {
            for (const Tool& tool : all_tools) {
                const std::string out = work + "/out/" + tool.name + "/" + c.name;
                make_directory(out);
                Runs& r = runs[tool.name];
                const Measured one = run(tool.command(list, out, 1));
                r.one_core_ms.push_back(one.wall_ms - startup_ms[tool.name]);
                r.peak_rss_mb = std::max(r.peak_rss_mb, one.peak_rss_mb);
                r.two_cores_ms.push_back(run(tool.command(list, out, 2)).wall_ms -
                                         startup_ms[tool.name]);
                if (tool.name == "vips") {
                    const size_t half = list.size() / 2;
                    const std::vector<std::string> first(list.begin(),
                                                         list.begin() + static_cast<long>(half));
                    const std::vector<std::string> second(list.begin() + static_cast<long>(half),
                                                          list.end());
                    r.two_processes_ms.push_back(
                        run_together({tool.command(first, out, 1), tool.command(second, out, 1)})
                            .wall_ms -
                        startup_ms[tool.name]);
                }
            }
        }
        Json::Value& entry = report["classes"][c.name];
        entry["source_size"] = std::to_string(c.width) + "x" + std::to_string(c.height);
        entry["sources"] = c.sources;
        entry["images_per_run"] = static_cast<int>(list.size());
        entry["rounds"] = rounds;
        for (const Tool& tool : all_tools) {
            const Runs& r = runs[tool.name];
            Json::Value& t = entry["tools"][tool.name];
            t["ms_per_image"] = round_to(best(r.one_core_ms) / images, 0.1);
            double rps = images / (best(r.two_cores_ms) / 1000);
            if (!r.two_processes_ms.empty()) {
                const double two_processes = images / (best(r.two_processes_ms) / 1000);
                t["rps_2cores_one_process"] = round_to(rps, 0.01);
                t["rps_2cores_two_processes"] = round_to(two_processes, 0.01);
                rps = std::max(rps, two_processes);
            }
            t["rps_2cores"] = round_to(rps, 0.01);
            t["peak_rss_mb"] = round_to(r.peak_rss_mb, 0.1);
            const Quality q =
                quality_of(options.self, work, sources, work + "/out/" + tool.name + "/" + c.name);
            t["psnr_db"] = round_to(q.psnr_db, 0.01);
            t["output_bytes"] = round_to(q.output_bytes, 1);
        }
        std::cerr << c.name << ": " << json::compact(entry["tools"]) << "\n";
    }

    if (options.whole_worker) {
        WholeWorkerOptions whole = *options.whole_worker;
        whole.sources = corpus_of(options.self, work, classes.front());
        whole.images = options.quick ? 12 : 40;
        std::cerr << "whole worker: " << whole.images << " images through " << whole.api_url
                  << "\n";
        report["whole_worker"] = run_whole_worker(whole);
    }

    const Json::Value& ours = report["classes"]["12mp"]["tools"]["pms"];
    const Json::Value& vips = report["classes"]["12mp"]["tools"]["vips"];
    report["image_ms_12mp"] = ours["ms_per_image"];
    report["image_vs_vips"] =
        round_to(ours["ms_per_image"].asDouble() / vips["ms_per_image"].asDouble(), 0.01);
    report["image_rps_2cores_vs_vips"] =
        round_to(ours["rps_2cores"].asDouble() / vips["rps_2cores"].asDouble(), 0.01);
    report["image_psnr_delta_db"] =
        round_to(ours["psnr_db"].asDouble() - vips["psnr_db"].asDouble(), 0.01);
    report["worker_peak_rss_mb"] = ours["peak_rss_mb"];
    report["targets"]["image_vs_vips"] = "<= 1.0";
    report["targets"]["image_psnr_delta_db"] = ">= -0.2";
    report["targets"]["image_rps_2cores_vs_vips"] = ">= 1.3";
    report["targets"]["worker_peak_rss_mb"] = "<= 40";
    report["meets_targets"] = report["image_vs_vips"].asDouble() <= 1.0 &&
                              report["image_psnr_delta_db"].asDouble() >= -0.2 &&
                              report["image_rps_2cores_vs_vips"].asDouble() >= 1.3 &&
                              report["worker_peak_rss_mb"].asDouble() <= 40;
    return report;
}

}  // namespace pms::bench
