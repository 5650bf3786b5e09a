#pragma once
/// A steady load on the API from a few threads, recording every answer with its time, for tests
/// that change something under load (restarts, signals) and then judge every answer.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/http_client.hpp"

namespace pms::e2e {

struct Answer {
    std::chrono::steady_clock::time_point at;  ///< when the answer arrived
    std::string what;                          ///< "GET cached", "POST", ...
    long status;                               ///< 0: the transfer failed
    std::string detail;                        ///< body or transfer error, for failure messages
};

/// One kind of request the load sends, by name.
struct LoadRequest {
    std::string what;
    std::function<HttpResponse()> send;
};

class Load {
public:
    /// Starts `threads` threads, each sending `requests` round-robin until stop().
    Load(std::vector<LoadRequest> requests, int threads);
    ~Load();
    Load(const Load&) = delete;
    Load& operator=(const Load&) = delete;

    /// Stops the threads and returns every answer.
    std::vector<Answer> stop();

private:
    std::vector<LoadRequest> requests_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::vector<Answer> answers_;
    std::vector<std::thread> threads_;
};

}  // namespace pms::e2e
