#pragma once
/// HMAC-SHA256 (JWS "HS256", RFC 7518 §3.2) through OpenSSL: what the verifier checks and what
/// the tests' token signer writes.

#include <string>
#include <string_view>

namespace pms::api::auth {

/// The 32-byte MAC of `input` with `key`. Throws OpenSslError when OpenSSL cannot compute it.
std::string hs256(std::string_view key, std::string_view input);

}  // namespace pms::api::auth
