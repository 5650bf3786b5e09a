#pragma once
/// A child's own copies of cached products, kept next to it so that a cached GET needs no round
/// trip to Redis. Only the container: a byte budget with least-recently-used eviction, an age
/// limit, and admission on a product's second read. Keeping it right is ProductCache's work
/// (fcgi/product_cache.hpp): it stores only what Redis just answered for a key that Redis tracks
/// for it, and erases what Redis says changed.

#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pms::api {

class NearCache {
public:
    using Clock = std::chrono::steady_clock;

    /// Holds keys and values of at most `max_bytes` together (0: holds nothing); a copy answers
    /// for `max_age` after it was stored.
    NearCache(size_t max_bytes, std::chrono::milliseconds max_age);

    bool enabled() const { return max_bytes_ > 0; }

    /// Whether `key` was read recently enough to be worth a copy: true on its second read (as
    /// far as a table of recent reads, one slot per 128 bytes of budget, remembers). A copy
    /// costs Redis the tracking of its key (about 100 bytes until the key changes) and this
    /// child a copy, which products read once, such as a crawl of the whole catalogue, would
    /// spend for nothing.
    bool admit(std::string_view key);

    /// The copy of `key`, unless it is missing or older than max_age at `now` (then it is gone).
    std::optional<std::string> find(std::string_view key, Clock::time_point now);
    /// Stores `value` for `key` as of `now`, evicting the least recently used copies to make room;
    /// a copy larger than the whole budget is not stored.
    void store(std::string_view key, std::string value, Clock::time_point now);
    void erase(std::string_view key);
    void clear();

    size_t size() const { return entries_.size(); }
    size_t bytes() const { return bytes_; }

private:
    struct Entry {
        std::string key;
        std::string value;
        Clock::time_point stored;
    };
    using Entries = std::list<Entry>;  // most recently used first

    void remove(Entries::iterator entry);

    size_t max_bytes_;
    /// Hashes of recently read keys, each in the slot its hash picks.
    std::vector<size_t> recent_;
    std::chrono::milliseconds max_age_;
    size_t bytes_ = 0;
    Entries entries_;
    std::unordered_map<std::string_view, Entries::iterator> index_;  // views of entries' keys
};

}  // namespace pms::api
