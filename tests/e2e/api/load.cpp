/// The load threads.
#include "tests/e2e/api/load.hpp"

namespace pms::e2e {

Load::Load(std::vector<LoadRequest> requests, int threads) : requests_(std::move(requests)) {
    for (int t = 0; t < threads; ++t) {
        threads_.emplace_back([this, t] {
            std::vector<Answer> mine;
            for (size_t i = static_cast<size_t>(t); !stopping_.load(); ++i) {
                const LoadRequest& next = requests_[i % requests_.size()];
                const HttpResponse response = next.send();
                mine.push_back(Answer{
                    std::chrono::steady_clock::now(), next.what, response.status,
                    response.status == 0 ? response.transfer_error : response.body.substr(0, 300)});
            }
            const std::lock_guard<std::mutex> lock(mutex_);
            answers_.insert(answers_.end(), mine.begin(), mine.end());
        });
    }
}

Load::~Load() {
    stop();
}

std::vector<Answer> Load::stop() {
    stopping_.store(true);
    for (std::thread& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    return answers_;
}

}  // namespace pms::e2e
