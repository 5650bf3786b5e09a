#pragma once
/// The public keys that sign tokens, from a JWK Set document (RFC 7517 §5).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fcgi/auth/public_key.hpp"

namespace pms::api::auth {

/// The JWKS document, or one of its supported keys, is malformed. The message names the key (its
/// index in `keys`, and its kid when it has one) and what is wrong.
struct JwksError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One supported key of the set, with the members that restrict its use (RFC 7517 §4).
struct Jwk {
    std::optional<std::string> kid;
    std::optional<std::string> use;  ///< when present, the key signs only if it is "sig"
    std::optional<std::string> alg;  ///< when present, the only algorithm the key is for
    PublicKey key;

    /// Whether a token signed with `algorithm` may be checked with this key: the key's type is
    /// the algorithm's, and neither `use` nor `alg` says otherwise.
    bool fits(std::string_view algorithm) const;
};

/// The RSA (RS256) and P-256 (ES256) keys of a `{"keys": [...]}` document, in its order. Keys of
/// other types or curves are skipped; a malformed document, a malformed RSA or P-256 key, an RSA
/// key under 2048 bits, or two such keys of one type with one kid throw JwksError.
std::vector<Jwk> parse_jwks(std::string_view document);

}  // namespace pms::api::auth
