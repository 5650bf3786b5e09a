#pragma once
/// Tokens that passed verification, so that a client sending the same token again costs a map
/// lookup instead of a signature check.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "fcgi/auth/principal.hpp"

namespace pms::api::auth {

/// Keyed by the whole token text, so a hit means these exact bytes were verified; only verified
/// tokens get in, so a client cannot fill it with tokens of its own invention. Thread-safe: one
/// mutex, held for a lookup or an insertion only, so every lane of a child can share it. At most
/// `capacity` entries (Verifier's: 1024 tokens of at most 8 KiB, 8 MiB at worst).
class VerifiedTokens {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    explicit VerifiedTokens(std::size_t capacity) : capacity_(capacity) {}

    /// The principal stored for `token`, unless `now` is past the entry's `valid_until`.
    std::optional<Principal> find(std::string_view token, TimePoint now) const;

    /// Stores `principal` for `token` until `valid_until`. When full, drops the entries whose time
    /// is over, and every entry if none is: a wholesale clear costs each client one more
    /// signature check, and needs no bookkeeping of age or use.
    void insert(std::string_view token, const Principal& principal, TimePoint valid_until,
                TimePoint now);

    std::size_t size() const;

private:
    struct Entry {
        Principal principal;
        TimePoint valid_until;
    };

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    // Ordered, for lookup by string_view without copying the token (C++17's unordered_map cannot):
    // about ten comparisons, each stopping where two tokens first differ, in the payload's opening
    // claims for tokens of one issuer.
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace pms::api::auth
