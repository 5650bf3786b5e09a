#pragma once
/// The whole pms-worker's peak memory on the worst-case inputs (`bench/worker/run --memory`):
/// for each input, the worker restarted (so its VmHWM is this input's), two products with that
/// image posted at once through the API, both jobs waited for (bounded), then the worker's
/// VmHWM, each job's outcome and the wall time; beside it vipsthumbnail's peak RSS on the same
/// file, and the same two jobs with an ordinary 12 MP photo.

#include <json/value.h>

#include <string>
#include <vector>

namespace pms::bench {

struct MemoryOptions {
    std::string inputs;      ///< where the generated inputs are kept between runs
    std::string api_url;     ///< the stack's API
    std::string origin_dir;  ///< a folder the origin serves ...
    std::string origin_url;  ///< ... at this URL
    std::string pid_file;    ///< the running pms-worker's pid file
    /// Restarts the worker with the settings of the measurement and returns once it consumes.
    std::vector<std::string> restart;
    std::vector<std::string> only;  ///< case names to run (the baseline always runs); all if empty
    double target_mb = 96;
    int jobs = 2;               ///< products posted at once, one image each
    int timeout_seconds = 300;  ///< per input, for the jobs to end
    bool vips = true;           ///< also vipsthumbnail's peak RSS
    std::string vips_out;       ///< where vipsthumbnail writes its thumbnails
};

/// Runs the measurement; throws std::runtime_error when the stack does not answer.
Json::Value run_memory(const MemoryOptions& options);

}  // namespace pms::bench
