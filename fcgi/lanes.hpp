#pragma once
/// A child's database lanes: threads that each own a PostgreSQL and a Redis connection, so that
/// the requests of a batch that wait on PostgreSQL are in PostgreSQL together instead of one after
/// another. One call at a time per child left both cores idle between calls and gave PostgreSQL's
/// group commit nothing to group (bench/RESULTS.md).

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "fcgi/api_config.hpp"
#include "fcgi/context.hpp"

namespace pms::api {

class Lanes {
public:
    /// Starts `config.database_connections` lanes. Their connections open on first use, so a
    /// child starts while PostgreSQL or Redis is down.
    Lanes(const ApiConfig& config, Metrics& metrics);
    /// Stops the lanes; a lane finishes the call it is in first.
    ~Lanes();
    Lanes(const Lanes&) = delete;
    Lanes& operator=(const Lanes&) = delete;

    /// Runs `work(lane, i)` for every i < count, each on a lane's own context, as many at once as
    /// there are lanes, and `done(i)` on the calling thread as each finishes (in the order they
    /// finish), so that a quick answer is not held back by a slow one. Returns when all are done.
    /// `work` must not throw.
    void run(size_t count, const std::function<void(Context&, size_t)>& work,
             const std::function<void(size_t)>& done);

    /// The first lane's database, for the calling thread while no run() is in progress.
    Database& idle_database();

private:
    struct Lane;
    void serve(Lane& lane);

    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable work_finished_;
    const std::function<void(Context&, size_t)>* work_ = nullptr;
    size_t next_ = 0;
    size_t count_ = 0;
    std::vector<size_t> finished_;
    bool stopping_ = false;
    std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace pms::api
