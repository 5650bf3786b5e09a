#pragma once
/// A hook called about once a second while a libcurl transfer runs: the consumer uses it to keep
/// its broker connection alive (rabbitmq-c sends heartbeats only inside its own calls) during
/// long downloads and uploads.

#include <chrono>
#include <functional>

#include "common/curl.hpp"

namespace pms::worker {

/// Must not block for long; an empty hook does nothing.
using KeepAlive = std::function<void()>;

/// Calls `hook` from the transfer's progress callback, at most once per `interval`.
class TransferTicker {
public:
    explicit TransferTicker(const KeepAlive& hook,
                            std::chrono::milliseconds interval = std::chrono::seconds(1))
        : hook_(hook), interval_(interval), last_(std::chrono::steady_clock::now()) {}

    /// Sets the progress callback on `easy` for the next transfer; this ticker must outlive it.
    void attach(curl::Easy& easy);

private:
    static int on_progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

    const KeepAlive& hook_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pms::worker
