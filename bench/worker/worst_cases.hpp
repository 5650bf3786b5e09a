#pragma once
/// The worst-case inputs of the worker's memory measurement (`bench/worker/run --memory`):
/// files at the edge of PMS_MAX_PIXELS (50,000,000) that are small to download and large to
/// decode, in every format the worker reads. Generated once into a work folder and kept (they
/// take seconds to minutes to make): a file is written under a temporary name and renamed, so a
/// file that exists is complete.

#include <functional>
#include <string>
#include <vector>

namespace pms::bench {

struct WorstCase {
    std::string name;       ///< e.g. "png-rgba-49mp"; also the file's stem
    std::string extension;  ///< "png", "jpg", "webp", "gif"
    int width = 0;          ///< the size the header declares (a GIF's logical screen)
    int height = 0;
    std::string description;  ///< what it is, for the report
    bool baseline = false;    ///< the ordinary 12 MP photo the worst cases are compared with
    std::function<void(const std::string& path)> write;

    std::string file_name() const { return name + "." + extension; }
};

/// Every case, the baseline first.
std::vector<WorstCase> worst_cases();

/// Writes the cases missing from `dir` (created when missing); returns each case's path in the
/// order of `cases`.
std::vector<std::string> ensure_worst_cases(const std::vector<WorstCase>& cases,
                                            const std::string& dir);

/// `pms-worker-bench worst-cases DIR`: generates them all. Returns the exit code.
int generate_worst_cases(int argc, char** argv);

}  // namespace pms::bench
