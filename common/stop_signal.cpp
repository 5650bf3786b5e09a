/// The stop flag and its signal handlers.
#include "common/stop_signal.hpp"

#include <csignal>

namespace pms {

std::atomic<bool> stop_requested{false};

namespace {
extern "C" void on_stop_signal(int /*signal*/) {
    stop_requested.store(true);
}
}  // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace pms
