#pragma once
/// Runs the tools under comparison as child processes and measures them the same way: wall time
/// from spawn to exit, and peak resident memory (wait4's ru_maxrss).

#include <string>
#include <vector>

namespace pms::bench {

struct Command {
    std::vector<std::string> argv;
    /// NAME=value entries added to (or replacing in) the benchmark's environment.
    std::vector<std::string> env;
};

struct Measured {
    double wall_ms = 0;
    double peak_rss_mb = 0;  ///< the largest of the processes
};

/// Starts every command at once and waits for all; throws std::runtime_error when one cannot be
/// started or exits unsuccessfully (its stderr is not captured: it shows in the run's output).
Measured run_together(const std::vector<Command>& commands);

inline Measured run(const Command& command) {
    return run_together({command});
}

/// Whether `program` is found in PATH.
bool on_path(const std::string& program);

}  // namespace pms::bench
