/// The progress callback that keeps other connections alive during a transfer.
#include "worker/pipeline/keep_alive.hpp"

namespace pms::worker {

void TransferTicker::attach(curl::Easy& easy) {
    if (!hook_) {
        return;
    }
    easy.set(CURLOPT_XFERINFOFUNCTION, &TransferTicker::on_progress);
    easy.set(CURLOPT_XFERINFODATA, static_cast<void*>(this));
    easy.set(CURLOPT_NOPROGRESS, 0L);
}

int TransferTicker::on_progress(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* ticker = static_cast<TransferTicker*>(data);
    const auto now = std::chrono::steady_clock::now();
    if (now - ticker->last_ >= ticker->interval_) {
        ticker->last_ = now;
        try {
            ticker->hook_();
        } catch (...) {
            // Nothing may unwind through libcurl; the hook reports its own trouble.
        }
    }
    return 0;  // never abort: a job in flight is finished even when the worker stops
}

}  // namespace pms::worker
