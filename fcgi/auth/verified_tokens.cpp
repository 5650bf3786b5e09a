/// The cache of verified tokens.
#include "fcgi/auth/verified_tokens.hpp"

#include <iterator>

namespace pms::api::auth {

std::optional<Principal> VerifiedTokens::find(std::string_view token, TimePoint now) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = entries_.find(token);
    if (found == entries_.end() || now > found->second.valid_until) {
        return std::nullopt;
    }
    return found->second.principal;
}

void VerifiedTokens::insert(std::string_view token, const Principal& principal,
                            TimePoint valid_until, TimePoint now) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= capacity_) {
        for (auto it = entries_.begin(); it != entries_.end();) {
            it = now > it->second.valid_until ? entries_.erase(it) : std::next(it);
        }
        if (entries_.size() >= capacity_) {
            entries_.clear();
        }
    }
    entries_.insert_or_assign(std::string(token), Entry{principal, valid_until});
}

std::size_t VerifiedTokens::size() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

}  // namespace pms::api::auth
