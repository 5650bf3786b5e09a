/// A ticket lock over a byte count: one mutex, one condition variable; a handful of requests a
/// second, so waking every waiter on a release costs nothing that matters.
#include "worker/pipeline/memory_pool.hpp"

#include <stdexcept>
#include <utility>

namespace pms::worker {

MemoryPool::Reservation::~Reservation() {
    release();
}

MemoryPool::Reservation::Reservation(Reservation&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

MemoryPool::Reservation& MemoryPool::Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::exchange(other.pool_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

void MemoryPool::Reservation::release() {
    if (pool_ != nullptr) {
        pool_->give_back(bytes_);
        pool_ = nullptr;
        bytes_ = 0;
    }
}

MemoryPool::Reservation MemoryPool::reserve(int64_t bytes) {
    if (bytes < 0 || bytes > capacity_) {
        // The caller compares with the budget first: this would wait forever.
        throw std::invalid_argument("a reservation larger than the memory pool");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t ticket = next_ticket_++;
    freed_.wait(lock, [&] { return serving_ == ticket && in_use_ + bytes <= capacity_; });
    in_use_ += bytes;
    ++serving_;
    lock.unlock();
    // The next in line may fit in what is left.
    freed_.notify_all();
    return Reservation(this, bytes);
}

int64_t MemoryPool::in_use() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return in_use_;
}

int MemoryPool::waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(next_ticket_ - serving_);
}

void MemoryPool::give_back(int64_t bytes) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        in_use_ -= bytes;
    }
    freed_.notify_all();
}

}  // namespace pms::worker
