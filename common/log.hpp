#pragma once
/// Logging through log4cplus: one JSON object per line on stderr (journald collects it), with
/// time, level, program, pid, the current request id, the message and the caller's fields.

#include <json/value.h>

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace pms::log {

enum class Level { kDebug, kInfo, kWarn, kError };

/// Named values logged beside the message.
using Fields = std::initializer_list<std::pair<std::string_view, Json::Value>>;

/// Sets up log4cplus for `program` at `level` ("debug", "info", "warn", "error"). Leaves the
/// process with no threads of log4cplus's own, so a pre-fork master may fork afterwards.
void init(const char* program, std::string_view level);

/// The request id written on this thread's lines until the next call ("" for none).
void set_request_id(std::string_view request_id);

bool enabled(Level level);
/// Appends `at` as log lines give their time: ISO 8601, UTC, milliseconds.
void append_time(std::string& out, std::chrono::system_clock::time_point at);
void write(Level level, std::string_view message, Fields fields);

/// While one lives, this thread's lines are held and written together, in one system call per
/// PIPE_BUF bytes (the most a pipe or journald's stream takes without interleaving another
/// process's lines): pms-api logs a line per request and answers requests in batches, so a
/// batch's lines cost one write, not one each. Written at the latest when it ends, so a line
/// waits at most one batch.
class HeldLines {
public:
    HeldLines();
    ~HeldLines();
    HeldLines(const HeldLines&) = delete;
    HeldLines& operator=(const HeldLines&) = delete;
};

inline void debug(std::string_view message, Fields fields = {}) {
    write(Level::kDebug, message, fields);
}
inline void info(std::string_view message, Fields fields = {}) {
    write(Level::kInfo, message, fields);
}
inline void warn(std::string_view message, Fields fields = {}) {
    write(Level::kWarn, message, fields);
}
inline void error(std::string_view message, Fields fields = {}) {
    write(Level::kError, message, fields);
}

}  // namespace pms::log
