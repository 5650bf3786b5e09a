#pragma once
/// A pms-bridge process that a test or a benchmark starts itself: the caller's environment (the
/// stack's pms.env) plus overrides, its output in a log file of its own; signalled and reaped
/// here. The destructor kills what still runs, so no process outlives its owner.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pms::bridge_testkit {

using Environment = std::vector<std::pair<std::string, std::string>>;

class BridgeProcess {
public:
    /// Starts `binary`; throws std::runtime_error when it cannot be started.
    BridgeProcess(const std::string& binary, const Environment& overrides, std::string log_path);
    ~BridgeProcess();
    BridgeProcess(const BridgeProcess&) = delete;
    BridgeProcess& operator=(const BridgeProcess&) = delete;

    const std::string& log_path() const { return log_path_; }

    /// Sends `signal` unless the process has ended.
    void signal(int signal);
    /// Waits up to `timeout` for the process to end: its wait status, or nothing if it runs on.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();

    /// The whole log so far.
    std::string log() const;
    /// Waits until the log holds `text` (e.g. "pms-bridge ready"); false when the timeout
    /// passed or the process ended first.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout);

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    std::string log_path_;
};

/// How many lines of `log` contain `text`.
size_t count_lines(const std::string& log, const std::string& text);

}  // namespace pms::bridge_testkit
