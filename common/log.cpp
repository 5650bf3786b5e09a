/// JSON log lines handed to log4cplus, which owns levels and the stderr appender.
#include "common/log.hpp"

#include <log4cplus/consoleappender.h>
#include <log4cplus/initializer.h>
#include <log4cplus/layout.h>
#include <log4cplus/logger.h>
#include <pthread.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/json.hpp"

namespace log4cplus {
// Exported by liblog4cplus 2.0 but declared only in its internal headers. Debian's build starts
// a thread pool (for asynchronous appenders, which we do not use) from a static initialiser;
// shutting it down keeps the pre-fork master single-threaded.
void shutdownThreadPool();
}  // namespace log4cplus

namespace pms::log {

namespace {

struct State {
    std::string program;
    log4cplus::Logger logger = log4cplus::Logger::getRoot();
};

State& state() {
    static State instance;
    return instance;
}

thread_local std::string current_request_id;

/// Lines of a live HeldLines, and whether one lives on this thread.
thread_local std::string held_lines;
thread_local bool holding = false;

/// getpid() once per process, not once per line: refreshed in every child of a fork.
pid_t cached_pid = 0;
void refresh_pid() {
    cached_pid = getpid();
}

log4cplus::LogLevel to_log4cplus(Level level) {
    switch (level) {
        case Level::kDebug: return log4cplus::DEBUG_LOG_LEVEL;
        case Level::kInfo: return log4cplus::INFO_LOG_LEVEL;
        case Level::kWarn: return log4cplus::WARN_LOG_LEVEL;
        case Level::kError: return log4cplus::ERROR_LOG_LEVEL;
    }
    return log4cplus::ERROR_LOG_LEVEL;
}

const char* name_of(Level level) {
    switch (level) {
        case Level::kDebug: return "debug";
        case Level::kInfo: return "info";
        case Level::kWarn: return "warn";
        case Level::kError: return "error";
    }
    return "error";
}

Level parse_level(std::string_view text) {
    for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
        if (text == name_of(level)) {
            return level;
        }
    }
    throw std::invalid_argument("PMS_LOG_LEVEL must be debug, info, warn or error, got '" +
                                std::string(text) + "'");
}

/// The shortest text that reads back as `number` (jsoncpp's writer costs more than the rest of
/// a request's log line, and every request line has a duration).
void append_real(std::string& out, double number) {
    if (!std::isfinite(number)) {
        out += "null";  // JSON has no infinities
        return;
    }
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, written.ptr);
}

void append_value(std::string& out, const Json::Value& value) {
    switch (value.type()) {
        case Json::stringValue: {
            const char* begin = nullptr;
            const char* end = nullptr;
            value.getString(&begin, &end);
            json::append_quoted(out, std::string_view(begin, static_cast<size_t>(end - begin)));
            break;
        }
        case Json::intValue: out += std::to_string(value.asLargestInt()); break;
        case Json::uintValue: out += std::to_string(value.asLargestUInt()); break;
        case Json::realValue: append_real(out, value.asDouble()); break;
        default: out += json::compact(value);
    }
}

/// The held lines in one call; the level only passes log4cplus's threshold, which each line
/// passed already.
void write_held() {
    if (!held_lines.empty()) {
        state().logger.forcedLog(log4cplus::INFO_LOG_LEVEL, held_lines);
        held_lines.clear();
    }
}

}  // namespace

void init(const char* program, std::string_view level) {
    const Level threshold = parse_level(level);
    log4cplus::initialize();
    log4cplus::shutdownThreadPool();
    static const bool registered = [] {
        pthread_atfork(nullptr, nullptr, refresh_pid);
        return true;
    }();
    (void)registered;
    refresh_pid();

    State& s = state();
    s.program = program;
    s.logger.removeAllAppenders();
    log4cplus::SharedAppenderPtr appender(
        new log4cplus::ConsoleAppender(/*logToStdErr=*/true, /*immediateFlush=*/true));
    // The line ends inside the message: "%m%n" makes two writes, and another process's line
    // could land between a line and its newline.
    appender->setLayout(std::make_unique<log4cplus::PatternLayout>("%m"));
    s.logger.addAppender(appender);
    s.logger.setLogLevel(to_log4cplus(threshold));
}

void set_request_id(std::string_view request_id) {
    current_request_id.assign(request_id);
}

bool enabled(Level level) {
    return state().logger.isEnabledFor(to_log4cplus(level));
}

void write(Level level, std::string_view message, Fields fields) {
    State& s = state();
    if (!s.logger.isEnabledFor(to_log4cplus(level))) {
        return;
    }
    std::string line;
    line.reserve(256);
    line += "{\"time\":\"";
    append_time(line, std::chrono::system_clock::now());
    line += "\",\"level\":\"";
    line += name_of(level);
    line += "\",\"program\":";
    json::append_quoted(line, s.program);
    line += ",\"pid\":";
    line += std::to_string(cached_pid);
    if (!current_request_id.empty()) {
        line += ",\"request_id\":";
        json::append_quoted(line, current_request_id);
    }
    line += ",\"message\":";
    json::append_quoted(line, message);
    for (const auto& [name, value] : fields) {
        line.push_back(',');
        json::append_quoted(line, name);
        line.push_back(':');
        append_value(line, value);
    }
    line += "}\n";
    if (!holding) {
        s.logger.forcedLog(to_log4cplus(level), line);
        return;
    }
    if (held_lines.size() + line.size() > PIPE_BUF) {
        write_held();
    }
    held_lines += line;
}

HeldLines::HeldLines() {
    holding = true;
}

HeldLines::~HeldLines() {
    write_held();
    holding = false;
}

void append_time(std::string& out, std::chrono::system_clock::time_point at) {
    const auto since_epoch = at.time_since_epoch();
    const time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
    tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[40];
    const size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    out.append(buffer, length);
    std::snprintf(buffer, sizeof buffer, ".%03lldZ", static_cast<long long>(millis));
    out += buffer;
}

}  // namespace pms::log
