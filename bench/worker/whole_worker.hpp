#pragma once
/// The whole pms-worker on a running stack (`bench/worker/run --worker`): products whose
/// 12 MP images sit on a local origin are posted through the API, and the time until every
/// image is done, and the worker's peak memory (VmHWM), are measured.

#include <json/value.h>

#include <string>
#include <vector>

namespace pms::bench {

struct WholeWorkerOptions {
    std::string api_url;     ///< the stack's API, e.g. http://127.0.0.1:33080
    std::string origin_dir;  ///< a folder the origin serves ...
    std::string origin_url;  ///< ... at this URL
    std::string pid_file;    ///< the running pms-worker's pid file
    std::vector<std::string> sources;
    int images = 24;
};

/// Runs the measurement; throws std::runtime_error when the stack does not answer or an image
/// does not come out done.
Json::Value run_whole_worker(const WholeWorkerOptions& options);

}  // namespace pms::bench
