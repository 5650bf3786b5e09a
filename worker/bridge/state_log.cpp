/// Once-per-change logging of up/down states.
#include "worker/bridge/state_log.hpp"

#include <utility>

#include "common/log.hpp"

namespace pms::bridge {

StateLog::StateLog(Messages messages) : messages_(std::move(messages)) {}

void StateLog::up(const std::string& detail) {
    if (state_ == State::kDown) {
        const auto down_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - down_since_)
                                 .count();
        if (detail.empty()) {
            log::info(messages_.recovered,
                      {{"failed_attempts", failures_}, {"down_ms", Json::Int64(down_ms)}});
        } else {
            log::info(messages_.recovered, {{"detail", detail},
                                            {"failed_attempts", failures_},
                                            {"down_ms", Json::Int64(down_ms)}});
        }
    } else if (state_ == State::kUnknown && !messages_.first_up.empty()) {
        log::info(messages_.first_up, {{"detail", detail}});
    }
    state_ = State::kUp;
    failures_ = 0;
}

void StateLog::down(const std::string& error, std::chrono::milliseconds retry_in) {
    ++failures_;
    if (state_ != State::kDown) {
        state_ = State::kDown;
        down_since_ = std::chrono::steady_clock::now();
        log::warn(messages_.down,
                  {{"error", error}, {"retry_in_ms", Json::Int64(retry_in.count())}});
        return;
    }
    // Repeats of a known outage: visible when debugging, silent otherwise.
    log::debug(messages_.down, {{"error", error},
                                {"failed_attempts", failures_},
                                {"retry_in_ms", Json::Int64(retry_in.count())}});
}

}  // namespace pms::bridge
