#pragma once
/// base64url without padding, as JWS uses it (RFC 7515 §2, RFC 4648 §5).

#include <optional>
#include <string>
#include <string_view>

namespace pms::api::auth {

std::string base64url_encode(std::string_view bytes);

/// The bytes `text` encodes, or nothing when it is not the one canonical unpadded encoding of
/// some bytes: a character outside [A-Za-z0-9_-] (padding included), a length that leaves a
/// lone character in the last group, or unused low bits that are not zero. Accepting only the
/// canonical form means one token has one spelling.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace pms::api::auth
