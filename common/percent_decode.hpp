#pragma once
/// %XX escapes (RFC 3986 §2.1), for query strings and the userinfo of URLs.

#include <optional>
#include <string>
#include <string_view>

namespace pms {

/// `text` with its %XX escapes decoded, and '+' as a space when `plus_is_space` (form encoding,
/// application/x-www-form-urlencoded); nothing when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace pms
