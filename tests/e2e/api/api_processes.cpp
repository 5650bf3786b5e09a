/// Finding pms-api's master and children.
#include "tests/e2e/api/api_processes.hpp"

#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"

namespace pms::e2e {

pid_t api_master_pid() {
    const char* dir = std::getenv("PMS_STACK_DIR");
    if (dir == nullptr) {
        return 0;
    }
    std::ifstream file(std::string(dir) + "/run/pms-api.pid");
    pid_t pid = 0;
    file >> pid;
    return pid > 0 && kill(pid, 0) == 0 ? pid : 0;
}

std::vector<pid_t> api_children(pid_t master) {
    std::vector<pid_t> children;
    DIR* proc = opendir("/proc");
    while (dirent* entry = readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atol(entry->d_name));
        if (pid <= 0) {
            continue;
        }
        // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so parse after ')'.
        std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
        std::string line;
        std::getline(stat, line);
        const size_t close = line.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        char state = 0;
        long ppid = 0;
        if (std::sscanf(line.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 &&
            ppid == master && state != 'Z') {
            children.push_back(pid);
        }
    }
    closedir(proc);
    std::sort(children.begin(), children.end());
    return children;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

size_t configured_children() {
    return static_cast<size_t>(std::stoi(setting("PMS_API_WORKERS")));
}

bool reload_children(pid_t master, std::chrono::milliseconds bound) {
    const std::vector<pid_t> before = api_children(master);
    if (kill(master, SIGHUP) != 0) {
        return false;
    }
    return eventually(
        [&] {
            const auto now = api_children(master);
            return now.size() == configured_children() &&
                   std::none_of(now.begin(), now.end(), [&](pid_t pid) {
                       return std::find(before.begin(), before.end(), pid) != before.end();
                   });
        },
        bound);
}

bool wait_until_healthy(std::chrono::seconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (request("GET", api_url() + "/health", "", "", {}, /*expect_transfer=*/false).status ==
            200) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

}  // namespace pms::e2e
