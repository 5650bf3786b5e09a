#pragma once
/// Connection settings with their passwords masked, for log lines and error messages: URLs
/// (PMS_DATABASE_URL, PMS_REDIS_URL, PMS_AMQP_URL, ...) and libpq key=value strings.

#include <string>
#include <string_view>

namespace pms {

/// What a masked password reads as.
inline constexpr std::string_view kRedacted = "***";

/// `url` with its password replaced by kRedacted; everything else (user, host, port, path) is
/// kept for the operator.
///  - scheme://user:password@host...  → scheme://user:***@host... (percent-encoded or not)
///  - redis://password@host...        → redis://***@host... (Redis reads a lone userinfo as the
///    password)
///  - ...?password=...&sslpassword=... (libpq's URI parameters) → the values masked
///  - user:password@host (no scheme)  → user:***@host
///  - host=h password=secret (libpq key=value, quoted values too) → password=***
/// A malformed URL is masked generously: when the userinfo cannot be told apart (an unencoded
/// '@', '/', '?' or '#' in a password), everything up to its last '@' after the first ':' goes.
/// A comma-separated list of URLs is masked URL by URL.
std::string redact_url(std::string_view url);

/// `text` (typically a library's error message about `url`) with every copy of `url` replaced by
/// redact_url(url), and every copy of a password of `url` (as written and percent-decoded)
/// replaced by kRedacted: libpq quotes a malformed URI, or a piece of it, in its message.
std::string redact_url_in(std::string_view text, std::string_view url);

}  // namespace pms
