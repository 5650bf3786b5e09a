/// Pre-fork supervision: spawn, reap, respawn with backoff, rolling restart, graceful stop.
#include "fcgi/master.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>

#include "common/backoff.hpp"
#include "common/log.hpp"
#include "common/systemd_notify.hpp"
#include "fcgi/child.hpp"
#include "fcgi/listen_socket.hpp"
#include "fcgi/metrics.hpp"

namespace pms::api {

namespace {

using Clock = std::chrono::steady_clock;

// A child that dies sooner than this after its start counts as a crash loop.
constexpr auto kQuickDeath = std::chrono::seconds(1);
// Respawns after quick deaths: 100 ms, 200 ms, ... up to 10 s while children keep dying.
constexpr auto kFirstRespawnDelay = std::chrono::milliseconds(100);
constexpr auto kMaxRespawnDelay = std::chrono::seconds(10);
// How long children get to finish their requests in flight before they are killed.
constexpr auto kStopTimeout = std::chrono::seconds(30);

/// The signals the master waits for with sigtimedwait() (blocked, never delivered).
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
        sigaddset(&set, signal);
    }
    return set;
}

class Supervisor {
public:
    Supervisor(const ApiConfig& config, ListenSocket socket, Metrics metrics)
        : config_(config), socket_(std::move(socket)), metrics_(std::move(metrics)) {}

    int run() {
        for (int i = 0; i < config_.workers; ++i) {
            spawn();
        }
        log::info("pms-api started",
                  {{"listen", socket_.description}, {"workers", config_.workers}});
        while (!stopping_) {
            // Short waits until every child is ready, so readiness is reported promptly.
            wait_for_signal(ready_ ? std::chrono::milliseconds(500)
                                   : std::chrono::milliseconds(20));
            reap();
            respawn_due();
            report_readiness();
            continue_rolling_restart();
            watchdog_.ping_if_due();
        }
        systemd::notify("STOPPING=1");
        stop_accepting();
        stop_children();
        return 0;
    }

private:
    struct Child {
        Clock::time_point started;
    };

    void spawn() {
        const pid_t pid = fork();
        if (pid < 0) {
            log::error("fork failed", {{"error", std::strerror(errno)}});
            schedule_respawn();
            return;
        }
        if (pid == 0) {
            std::exit(run_child(socket_.fd, config_, metrics_));
        }
        children_[pid] = Child{Clock::now()};
    }

    void wait_for_signal(std::chrono::milliseconds timeout) {
        sigset_t set = handled_signals();
        timespec ts{};
        ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
        ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000);
        siginfo_t info{};
        const int signal = sigtimedwait(&set, &info, &ts);
        switch (signal) {
            case SIGTERM:
            case SIGINT:
                log::info("stopping: letting children finish their requests");
                stopping_ = true;
                break;
            case SIGHUP:
                reload_token_keys();
                log::info("rolling restart of the children");
                systemd::notify("RELOADING=1");
                for (const auto& [pid, child] : children_) {
                    to_replace_.push_back(pid);
                }
                rolling_ = true;
                break;
            default: break;  // SIGCHLD or timeout: reap() looks
        }
    }

    /// The JWKS file again, so that the new children check tokens with the keys it holds now. A
    /// file that cannot be used leaves the keys as they were: a typo must not lock every client
    /// out.
    void reload_token_keys() {
        if (config_.jwks_file.empty()) {
            return;
        }
        try {
            config_.reload_jwks();
            log::info("token keys read", {{"file", config_.jwks_file}});
        } catch (const ConfigError& error) {
            log::error("token keys kept as they were", {{"error", error.what()}});
        }
    }

    void reap() {
        int status = 0;
        pid_t pid = 0;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            const auto it = children_.find(pid);
            if (it == children_.end()) {
                continue;
            }
            const bool quick = Clock::now() - it->second.started < kQuickDeath;
            children_.erase(it);
            if (pid == replacing_) {
                replacing_ = 0;
                continue;  // retired by the rolling restart; its successor already runs
            }
            if (stopping_) {
                continue;
            }
            log::warn("child died, replacing it",
                      {{"child_pid", pid},
                       {"exit_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1},
                       {"signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0}});
            quick_deaths_ = quick ? quick_deaths_ + 1 : 0;
            schedule_respawn();
        }
    }

    void schedule_respawn() {
        const auto delay = quick_deaths_ > 0
                               ? exponential_delay(kFirstRespawnDelay, 2, kMaxRespawnDelay,
                                                   static_cast<unsigned>(quick_deaths_))
                               : std::chrono::milliseconds(0);
        respawns_.push_back(Clock::now() + delay);
    }

    void respawn_due() {
        const auto now = Clock::now();
        while (!respawns_.empty() && respawns_.front() <= now && !stopping_) {
            respawns_.pop_front();
            spawn();
        }
    }

    /// READY=1 once as many children as configured have entered their request loop.
    void report_readiness() {
        if (!ready_ && metrics_.children_ready() >= static_cast<uint64_t>(config_.workers)) {
            ready_ = true;
            systemd::notify("READY=1");
            log::info("children ready", {{"workers", config_.workers}});
        }
    }

    /// One child at a time: start its successor, wait until it is ready, then retire the old
    /// one, so capacity never drops and no request finds no child.
    void continue_rolling_restart() {
        if (stopping_ || !rolling_) {
            return;
        }
        if (successor_ready_at_ != 0) {
            if (metrics_.children_ready() < successor_ready_at_) {
                return;  // the successor is still starting
            }
            successor_ready_at_ = 0;
            if (replacing_ != 0) {  // 0 when the old child died on its own meanwhile
                kill(replacing_, SIGTERM);
            }
        }
        if (replacing_ != 0) {
            return;  // reap() clears it once the old child has finished its request and exited
        }
        while (!to_replace_.empty()) {
            const pid_t old = to_replace_.front();
            to_replace_.pop_front();
            if (children_.count(old) == 0) {
                continue;  // died meanwhile and was replaced already
            }
            successor_ready_at_ = metrics_.children_ready() + 1;
            spawn();
            replacing_ = old;
            return;
        }
        rolling_ = false;
        systemd::notify("READY=1");
        log::info("rolling restart done");
    }

    /// New connections fail at once (nginx can try another upstream) instead of waiting in the
    /// backlog for children that are leaving. A socket from systemd stays: systemd holds it and
    /// queues connections for the next start, which is the point of socket activation.
    void stop_accepting() {
        if (!socket_.unix_path.empty()) {
            unlink(socket_.unix_path.c_str());
        }
    }

    void stop_children() {
        for (const auto& [pid, child] : children_) {
            kill(pid, SIGTERM);
        }
        const auto deadline = Clock::now() + kStopTimeout;
        while (!children_.empty() && Clock::now() < deadline) {
            wait_for_signal(std::chrono::milliseconds(100));
            reap();
        }
        for (const auto& [pid, child] : children_) {
            log::warn("child did not stop in time, killing it", {{"child_pid", pid}});
            kill(pid, SIGKILL);
        }
        while (waitpid(-1, nullptr, 0) > 0) {
        }
        log::info("pms-api stopped");
    }

    ApiConfig config_;  ///< the children's settings: SIGHUP reads the token keys again
    ListenSocket socket_;
    Metrics metrics_;
    std::map<pid_t, Child> children_;
    std::deque<Clock::time_point> respawns_;
    std::deque<pid_t> to_replace_;
    pid_t replacing_ = 0;
    uint64_t successor_ready_at_ = 0;  ///< ready count at which the current successor is ready
    int quick_deaths_ = 0;
    bool stopping_ = false;
    bool ready_ = false;
    bool rolling_ = false;
    systemd::Watchdog watchdog_;
};

}  // namespace

int run_master(const ApiConfig& config) {
    // Blocked before the socket exists, so no signal can arrive unhandled in between.
    const sigset_t set = handled_signals();
    sigprocmask(SIG_BLOCK, &set, nullptr);

    ListenSocket socket = open_listen_socket(config.listen);
    // Mapped before the first fork, so that every child shares it.
    return Supervisor(config, std::move(socket), Metrics::create_shared()).run();
}

}  // namespace pms::api
