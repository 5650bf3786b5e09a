/// The near cache's container: LRU by bytes, with an age limit.
#include "fcgi/near_cache.hpp"

#include <functional>
#include <iterator>
#include <utility>

namespace pms::api {

NearCache::NearCache(size_t max_bytes, std::chrono::milliseconds max_age)
    : max_bytes_(max_bytes), recent_(max_bytes == 0 ? 0 : max_bytes / 128 + 1), max_age_(max_age) {}

bool NearCache::admit(std::string_view key) {
    if (recent_.empty()) {
        return false;
    }
    const size_t hash = std::hash<std::string_view>{}(key);
    size_t& slot = recent_[hash % recent_.size()];
    if (slot == hash) {
        return true;
    }
    slot = hash;
    return false;
}

std::optional<std::string> NearCache::find(std::string_view key, Clock::time_point now) {
    const auto found = index_.find(key);
    if (found == index_.end()) {
        return std::nullopt;
    }
    const Entries::iterator entry = found->second;
    if (now - entry->stored > max_age_) {
        remove(entry);
        return std::nullopt;
    }
    entries_.splice(entries_.begin(), entries_, entry);
    return entry->value;
}

void NearCache::store(std::string_view key, std::string value, Clock::time_point now) {
    erase(key);
    const size_t size = key.size() + value.size();
    if (size > max_bytes_) {
        return;
    }
    while (bytes_ + size > max_bytes_) {
        remove(std::prev(entries_.end()));
    }
    entries_.push_front(Entry{std::string(key), std::move(value), now});
    index_.emplace(entries_.front().key, entries_.begin());
    bytes_ += size;
}

void NearCache::erase(std::string_view key) {
    if (const auto found = index_.find(key); found != index_.end()) {
        remove(found->second);
    }
}

void NearCache::clear() {
    index_.clear();
    entries_.clear();
    bytes_ = 0;
}

void NearCache::remove(Entries::iterator entry) {
    bytes_ -= entry->key.size() + entry->value.size();
    index_.erase(entry->key);
    entries_.erase(entry);
}

}  // namespace pms::api
