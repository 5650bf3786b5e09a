#pragma once
/// Logs the state changes of one dependency or one delivery path once each, not every retry:
/// the first failure at warn, repeated failures at debug, the recovery at info.

#include <chrono>
#include <string>

namespace pms::bridge {

class StateLog {
public:
    struct Messages {
        std::string first_up;   ///< logged on the first success; "" logs nothing
        std::string down;       ///< logged on the first failure after a success (or at start)
        std::string recovered;  ///< logged on the first success after failures
    };
    explicit StateLog(Messages messages);

    /// A success; `detail` goes beside the message.
    void up(const std::string& detail = "");
    /// A failure, to be retried after `retry_in`.
    void down(const std::string& error, std::chrono::milliseconds retry_in);

    bool is_up() const { return state_ == State::kUp; }

private:
    enum class State { kUnknown, kUp, kDown };
    Messages messages_;
    State state_ = State::kUnknown;
    unsigned failures_ = 0;
    std::chrono::steady_clock::time_point down_since_{};
};

}  // namespace pms::bridge
