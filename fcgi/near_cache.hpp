#pragma once
/// A child's own copies of cached products, kept next to it so that a cached GET needs no round
/// trip to Redis. Only the container: a byte budget with least-recently-used eviction and an age
/// limit. Keeping it right is ProductCache's work (fcgi/product_cache.hpp): it stores only what
/// Redis just answered for a key that Redis tracks for it, and erases what Redis says changed.

#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pms::api {

class NearCache {
public:
    using Clock = std::chrono::steady_clock;

    /// Holds keys and values of at most `max_bytes` together (0: holds nothing); a copy answers
    /// for `max_age` after it was stored.
    NearCache(size_t max_bytes, std::chrono::milliseconds max_age);

    bool enabled() const { return max_bytes_ > 0; }

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
    std::chrono::milliseconds max_age_;
    size_t bytes_ = 0;
    Entries entries_;
    std::unordered_map<std::string_view, Entries::iterator> index_;  // views of entries' keys
};

}  // namespace pms::api
