#pragma once
/// `pms-worker-bench suite`: the pipeline's transform side by side with vipsthumbnail and
/// ImageMagick on a generated corpus (12 MP and 24 MP JPEGs, 2000x1500 PNGs), fitting inside
/// 800x600 at quality 75: time per image on one core, images per second on two cores, peak
/// memory, output bytes and PSNR against a high-quality reference.

#include <json/value.h>

#include <optional>
#include <string>

#include "bench/worker/whole_worker.hpp"

namespace pms::bench {

struct SuiteOptions {
    std::string work;  ///< corpus, references and outputs (the corpus is kept between runs)
    std::string self;  ///< this program, run as `self transform ...`
    bool quick = false;
    /// Also measure the whole pms-worker of a running stack on the 12 MP sources (the
    /// sources and image count are filled in by the suite).
    std::optional<WholeWorkerOptions> whole_worker;
};

/// Runs everything and returns the report (see bench/worker/README.md for its fields).
Json::Value run_suite(const SuiteOptions& options);

}  // namespace pms::bench
