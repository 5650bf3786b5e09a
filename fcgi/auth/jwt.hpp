#pragma once
/// Verifying pms-api's bearer tokens: JWTs (RFC 7519) in the JWS compact serialization
/// (RFC 7515), signed with HS256, RS256 or ES256.

#include <json/json.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fcgi/auth/jwks.hpp"
#include "fcgi/auth/principal.hpp"
#include "fcgi/auth/verified_tokens.hpp"

namespace pms::api::auth {

/// A token refused. what() is a short English sentence without quotes, backslashes or anything
/// from the token or the keys, fit to be the error_description of
/// `WWW-Authenticate: Bearer error="invalid_token"`.
struct TokenError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct VerifierSettings {
    /// The HS256 key (raw bytes); empty: HS256 tokens are refused. HS256 is checked with this
    /// secret only, never with anything from `jwks`.
    std::string hs256_secret;
    /// Keys for RS256 and ES256; none: only HS256 tokens can pass.
    std::vector<Jwk> jwks;
    /// When set, `aud` must be this string or an array holding it; when not, `aud` is not read.
    std::optional<std::string> audience;
    /// When set, `iss` must be this string; when not, `iss` is not read.
    std::optional<std::string> issuer;
    /// Clock skew allowed between the token's issuer and this host, on exp and nbf.
    std::chrono::seconds leeway{30};
};

class Verifier {
public:
    static constexpr std::size_t kMaxTokenBytes = 8 * 1024;
    static constexpr std::size_t kVerifiedTokensCapacity = 1024;

    explicit Verifier(VerifierSettings settings);

    /// The claims of `token` when its form, header, algorithm, key and signature are right; the
    /// claims themselves are not checked. HS256 is checked with the shared secret, whatever the
    /// kid; RS256 and ES256 with the key of the token's kid, or without a kid with the one key
    /// that fits the alg (several fitting keys: refused). Throws TokenError, or OpenSslError when
    /// OpenSSL cannot run.
    Json::Value verify_signature(std::string_view token) const;

    /// The user `token` speaks for: verify_signature(), then the claims at `now`:
    /// - exp: required, a number; refused once now > exp + leeway;
    /// - nbf: optional, a number; refused while now + leeway < nbf;
    /// - aud and iss: as the settings say;
    /// - sub: required, a JSON string of 1 to 18 decimal digits without leading zeros (so > 0).
    ///   RFC 7519 makes sub a string; a JSON number is refused, which keeps 7, 7.0 and 7e0 from
    ///   being three spellings of one user;
    /// - role: optional, a string; "admin" makes the principal an admin, any other value not.
    /// A token verified before is answered from a cache until exp + leeway, which is when it
    /// would be refused anyway. Thread-safe. Throws TokenError, or OpenSslError when OpenSSL
    /// cannot run.
    Principal verify(std::string_view token, std::chrono::system_clock::time_point now);

private:
    const PublicKey& key_for(const Json::Value& header, const std::string& algorithm) const;
    Principal check_claims(const Json::Value& claims,
                           std::chrono::system_clock::time_point now) const;

    const VerifierSettings settings_;
    VerifiedTokens verified_;
};

}  // namespace pms::api::auth
