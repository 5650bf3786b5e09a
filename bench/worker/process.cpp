/// posix_spawnp and wait4.
#include "bench/worker/process.hpp"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

extern char** environ;

namespace pms::bench {

namespace {

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    std::vector<std::string> result;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string item(*entry);
        const std::string name = item.substr(0, item.find('='));
        const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) {
            return e.compare(0, name.size() + 1, name + "=") == 0;
        });
        if (!replaced) {
            result.push_back(item);
        }
    }
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
}

std::vector<char*> pointers(std::vector<std::string>& items) {
    std::vector<char*> result;
    result.reserve(items.size() + 1);
    for (std::string& item : items) {
        result.push_back(item.data());
    }
    result.push_back(nullptr);
    return result;
}

}  // namespace

Measured run_together(const std::vector<Command>& commands) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<pid_t> children;
    for (const Command& command : commands) {
        std::vector<std::string> argv = command.argv;
        std::vector<std::string> env = environment_with(command.env);
        std::vector<char*> argv_pointers = pointers(argv);
        std::vector<char*> env_pointers = pointers(env);
        pid_t pid = 0;
        if (posix_spawnp(&pid, argv_pointers[0], nullptr, nullptr, argv_pointers.data(),
                         env_pointers.data()) != 0) {
            throw std::runtime_error("cannot start " + command.argv[0]);
        }
        children.push_back(pid);
    }
    Measured measured;
    bool failed = false;
    for (const pid_t pid : children) {
        int status = 0;
        rusage usage{};
        if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            failed = true;
        }
        measured.peak_rss_mb = std::max(measured.peak_rss_mb, usage.ru_maxrss / 1024.0);
    }
    measured.wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (failed) {
        throw std::runtime_error(commands.front().argv[0] + " failed");
    }
    return measured;
}

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "";
    size_t begin = 0;
    while (begin <= dirs.size()) {
        const size_t end = std::min(dirs.find(':', begin), dirs.size());
        const std::string candidate = dirs.substr(begin, end - begin) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0) {
            return true;
        }
        begin = end + 1;
    }
    return false;
}

}  // namespace pms::bench
