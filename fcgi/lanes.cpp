/// The lanes' threads and the hand-over of a batch's work to them.
#include "fcgi/lanes.hpp"

#include <pthread.h>

#include <csignal>
#include <thread>

#include "common/redis.hpp"

namespace pms::api {

struct Lanes::Lane {
    Lane(const ApiConfig& config, Metrics& metrics)
        : database(config.database_url),
          cache(redis::Endpoint::parse(config.redis_url), config.cache_ttl),
          context{database, cache, reads, metrics} {}

    Database database;
    ProductCache cache;
    ProductReads reads;
    Context context;
    std::thread thread;
};

Lanes::Lanes(const ApiConfig& config, Metrics& metrics) {
    // Signals are the child's main thread's business (its epoll_wait ends on SIGTERM): the lanes
    // start with every signal blocked.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    for (int i = 0; i < config.database_connections; ++i) {
        Lane& lane = *lanes_.emplace_back(std::make_unique<Lane>(config, metrics));
        lane.thread = std::thread([this, &lane] { serve(lane); });
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

Lanes::~Lanes() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (const auto& lane : lanes_) {
        lane->thread.join();
    }
}

void Lanes::serve(Lane& lane) {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_ready_.wait(lock, [this] { return stopping_ || next_ < count_; });
        if (stopping_) {
            return;
        }
        const size_t index = next_++;
        const auto& work = *work_;
        lock.unlock();
        work(lane.context, index);
        lock.lock();
        finished_.push_back(index);
        work_finished_.notify_one();
    }
}

void Lanes::run(size_t count, const std::function<void(Context&, size_t)>& work,
                const std::function<void(size_t)>& done) {
    if (count == 0) {
        return;
    }
    {
        const std::lock_guard lock(mutex_);
        work_ = &work;
        next_ = 0;
        count_ = count;
    }
    if (count == 1) {
        work_ready_.notify_one();
    } else {
        work_ready_.notify_all();
    }
    std::vector<size_t> ready;
    for (size_t reported = 0; reported < count;) {
        {
            std::unique_lock lock(mutex_);
            work_finished_.wait(lock, [this] { return !finished_.empty(); });
            ready.swap(finished_);
        }
        for (const size_t index : ready) {
            done(index);
        }
        reported += ready.size();
        ready.clear();
    }
    const std::lock_guard lock(mutex_);
    work_ = nullptr;
    next_ = 0;
    count_ = 0;
}

Database& Lanes::idle_database() {
    return lanes_.front()->database;
}

}  // namespace pms::api
