#pragma once
/// SIGTERM and SIGINT as a stop request that long-running loops poll.

#include <atomic>

namespace pms {

/// True once SIGTERM or SIGINT arrived (after install_stop_handlers()).
extern std::atomic<bool> stop_requested;
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

/// Sets stop_requested on SIGTERM/SIGINT, without SA_RESTART so that the wait a signal
/// interrupts (poll, nanosleep) returns early; ignores SIGPIPE, so that a peer closing its
/// socket is an error of that call rather than the death of the process.
void install_stop_handlers();

}  // namespace pms
