#pragma once
/// The worker's decode memory, shared by its jobs (PMS_WORKER_MEMORY_BUDGET): each job reserves
/// what its image needs, estimated from the header, before decoding, and waits while the others
/// hold too much. Waiting rather than failing lets one large image (a progressive JPEG holds every
/// coefficient) have the whole budget while small ones share it; a job asking for more than the
/// whole budget is refused by the caller before it gets here.
///
/// Reservations are granted in the order they were asked for, so a large image is not starved by
/// a stream of small ones. A job takes one reservation, so no job holds memory while it waits.

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace pms::worker {

class MemoryPool {
public:
    /// Released when destroyed; an empty one (default, or moved from) holds nothing.
    class Reservation {
    public:
        Reservation() = default;
        ~Reservation();
        Reservation(Reservation&& other) noexcept;
        Reservation& operator=(Reservation&& other) noexcept;
        Reservation(const Reservation&) = delete;
        Reservation& operator=(const Reservation&) = delete;

        int64_t bytes() const { return bytes_; }

    private:
        friend class MemoryPool;
        Reservation(MemoryPool* pool, int64_t bytes) : pool_(pool), bytes_(bytes) {}
        void release();

        MemoryPool* pool_ = nullptr;
        int64_t bytes_ = 0;
    };

    explicit MemoryPool(int64_t capacity_bytes) : capacity_(capacity_bytes) {}
    MemoryPool(const MemoryPool&) = delete;
    MemoryPool& operator=(const MemoryPool&) = delete;

    /// Waits until `bytes` (at most capacity()) are free and every earlier request was granted.
    Reservation reserve(int64_t bytes);

    int64_t capacity() const { return capacity_; }
    int64_t in_use() const;
    /// Requests waiting for their turn.
    int waiting() const;

private:
    void give_back(int64_t bytes);

    const int64_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    int64_t in_use_ = 0;
    uint64_t next_ticket_ = 0;  ///< handed to the next request
    uint64_t serving_ = 0;      ///< the ticket whose turn it is
};

}  // namespace pms::worker
