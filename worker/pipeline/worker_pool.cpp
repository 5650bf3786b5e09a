/// Worker threads fed through a queue under one mutex (a handful of tasks a second: contention
/// is not a concern).
#include "worker/pipeline/worker_pool.hpp"

#include "common/log.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {

WorkerPool::WorkerPool(int threads, const JobFunctionFactory& factory) {
    for (int i = 0; i < threads; ++i) {
        threads_.emplace_back([this, factory] { work(factory); });
    }
}

WorkerPool::~WorkerPool() {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        closing_ = true;
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) {
        thread.join();
    }
}

int WorkerPool::idle() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return idle_ - static_cast<int>(tasks_.size());
}

int WorkerPool::in_flight() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return in_flight_;
}

void WorkerPool::submit(Task task) {
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        tasks_.push_back(std::move(task));
        ++in_flight_;
    }
    wake_.notify_one();
}

std::vector<Finished> WorkerPool::take_finished() {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Finished> result;
    result.swap(finished_);
    in_flight_ -= static_cast<int>(result.size());
    return result;
}

void WorkerPool::work(const JobFunctionFactory& factory) {
    JobFunction run;
    try {
        run = factory();
    } catch (const Interrupted&) {
        return;  // stopped before this thread could connect: it never takes a task
    } catch (const std::exception& error) {
        log::error("a worker thread could not start", {{"error", error.what()}});
        return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    ++idle_;
    while (true) {
        wake_.wait(lock, [this] { return closing_ || !tasks_.empty(); });
        if (tasks_.empty()) {
            return;  // closing, and nothing left to run
        }
        Finished finished;
        finished.task = std::move(tasks_.front());
        tasks_.pop_front();
        --idle_;
        lock.unlock();

        log::set_request_id(finished.task.job.request_id);
        try {
            finished.outcome = run(finished.task.job, finished.task.attempt);
        } catch (const Interrupted&) {
            finished.kind = Finished::Kind::kInterrupted;
        } catch (const std::exception& error) {
            finished.kind = Finished::Kind::kUnrecorded;
            finished.error = error.what();
        }
        log::set_request_id("");

        lock.lock();
        finished_.push_back(std::move(finished));
        ++idle_;
    }
}

}  // namespace pms::worker
