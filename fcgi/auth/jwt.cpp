/// Checking a token's signature, then its claims.
#include "fcgi/auth/jwt.hpp"

#include <openssl/crypto.h>

#include <utility>

#include "common/json.hpp"
#include "fcgi/auth/base64url.hpp"
#include "fcgi/auth/hs256.hpp"
#include "fcgi/auth/openssl_error.hpp"

namespace pms::api::auth {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// system_clock counts nanoseconds in 64 bits, which run out in 2262; a NumericDate must be under
// 2^33 seconds (in 2242), so adding the leeway to it cannot overflow.
constexpr double kNumericDateLimit = 8589934592.0;
constexpr std::size_t kMaxSubDigits = 18;  // every 18-digit number fits an int64

struct Parts {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input;  // header.payload, as sent
};

Parts split(std::string_view token) {
    const std::size_t first = token.find('.');
    const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        throw TokenError("token is not three dot-separated parts");
    }
    return {token.substr(0, first), token.substr(first + 1, second - first - 1),
            token.substr(second + 1), token.substr(0, second)};
}

Json::Value decode_object(std::string_view segment, const std::string& name) {
    const std::optional<std::string> bytes = base64url_decode(segment);
    if (!bytes) {
        throw TokenError("token " + name + " is not base64url");
    }
    // Strict parsing refuses duplicate members, which different parsers would resolve
    // differently (two alg or sub members).
    std::optional<Json::Value> value = pms::json::parse_strict(*bytes, nullptr);
    if (!value || !value->isObject()) {
        throw TokenError("token " + name + " is not a JSON object");
    }
    return std::move(*value);
}

bool hs256_matches(const std::string& secret, std::string_view signing_input,
                   std::string_view signature) {
    const std::string mac = hs256(secret, signing_input);
    // The length is no secret (always 32); the bytes are compared in constant time, so that
    // response times do not reveal how much of a forged MAC is right.
    return signature.size() == mac.size() &&
           CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
}

/// A NumericDate (RFC 7519 §2: seconds since the epoch, fractions allowed).
TimePoint numeric_date(const Json::Value& value, const std::string& name) {
    if (!value.isNumeric()) {
        throw TokenError("token " + name + " is not a number");
    }
    const double seconds = value.asDouble();
    if (!(seconds >= 0 && seconds < kNumericDateLimit)) {
        throw TokenError("token " + name + " is out of range");
    }
    return TimePoint(
        std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(seconds)));
}

bool names_audience(const Json::Value& aud, const std::string& audience) {
    if (aud.isString()) {
        return aud.asString() == audience;
    }
    if (aud.isArray()) {
        for (const Json::Value& entry : aud) {
            if (entry.isString() && entry.asString() == audience) {
                return true;
            }
        }
    }
    return false;
}

std::int64_t user_id(const Json::Value& sub) {
    if (sub.isNull()) {
        throw TokenError("token has no sub");
    }
    if (!sub.isString()) {
        throw TokenError("token sub is not a string");
    }
    const std::string text = sub.asString();
    if (text.empty() || text.size() > kMaxSubDigits || text[0] == '0') {
        throw TokenError("token sub is not a user id");
    }
    std::int64_t id = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            throw TokenError("token sub is not a user id");
        }
        id = id * 10 + (c - '0');
    }
    return id;
}

}  // namespace

Verifier::Verifier(VerifierSettings settings)
    : settings_(std::move(settings)), verified_(kVerifiedTokensCapacity) {}

const PublicKey& Verifier::key_for(const Json::Value& header, const std::string& algorithm) const {
    // Keys the header carries or points to (jwk, jku, x5u, x5c) are never read: whoever made the
    // token could put their own key there.
    const Json::Value& kid = header["kid"];
    if (kid.isString()) {
        bool named = false;
        for (const Jwk& jwk : settings_.jwks) {
            if (jwk.kid == kid.asString()) {
                named = true;
                if (jwk.fits(algorithm)) {
                    return jwk.key;
                }
            }
        }
        throw TokenError(named ? "the key with the token kid is not for the token alg"
                               : "no key has the token kid");
    }
    if (!kid.isNull()) {
        throw TokenError("token kid is not a string");
    }
    const Jwk* chosen = nullptr;
    for (const Jwk& jwk : settings_.jwks) {
        if (jwk.fits(algorithm)) {
            if (chosen != nullptr) {
                throw TokenError("token has no kid and several keys fit its alg");
            }
            chosen = &jwk;
        }
    }
    if (chosen == nullptr) {
        throw TokenError("no key fits the token alg");
    }
    return chosen->key;
}

Json::Value Verifier::verify_signature(std::string_view token) const {
    if (token.size() > kMaxTokenBytes) {
        throw TokenError("token is longer than 8 KiB");
    }
    const Parts parts = split(token);
    const Json::Value header = decode_object(parts.header, "header");
    const Json::Value& alg = header["alg"];
    if (!alg.isString()) {
        throw TokenError("token alg is missing or not a string");
    }
    const std::string algorithm = alg.asString();
    if (algorithm == "none") {
        throw TokenError("unsigned tokens (alg none) are not accepted");
    }
    if (algorithm != "HS256" && algorithm != "RS256" && algorithm != "ES256") {
        throw TokenError("token alg is not HS256, RS256 or ES256");
    }
    // No header extension is understood, and RFC 7515 §4.1.11 refuses a token that needs one.
    if (header.isMember("crit")) {
        throw TokenError("token has a crit header, and no extension is supported");
    }
    // HS256 takes the shared secret and nothing else: checked with an RSA key's public bytes as
    // the HMAC key, a token forged by anyone who has that public key would pass.
    const bool hs256 = algorithm == "HS256";
    if (hs256 && settings_.hs256_secret.empty()) {
        throw TokenError("HS256 tokens are not accepted");
    }
    const PublicKey* key = hs256 ? nullptr : &key_for(header, algorithm);
    const std::optional<std::string> signature = base64url_decode(parts.signature);
    if (!signature) {
        throw TokenError("token signature is not base64url");
    }
    const bool valid = hs256
                           ? hs256_matches(settings_.hs256_secret, parts.signing_input, *signature)
                           : key->verify(parts.signing_input, *signature);
    if (!valid) {
        throw TokenError("token signature is invalid");
    }
    // Only now: a payload is not even parsed before its signature is known to be good.
    return decode_object(parts.payload, "payload");
}

Principal Verifier::check_claims(const Json::Value& claims, TimePoint now) const {
    const Json::Value& exp = claims["exp"];
    if (exp.isNull()) {
        throw TokenError("token has no exp");
    }
    const TimePoint expires = numeric_date(exp, "exp");
    if (now > expires + settings_.leeway) {
        throw TokenError("token has expired");
    }
    if (claims.isMember("nbf") && now + settings_.leeway < numeric_date(claims["nbf"], "nbf")) {
        throw TokenError("token is not valid yet");
    }
    if (settings_.audience && !names_audience(claims["aud"], *settings_.audience)) {
        throw TokenError("token audience does not match");
    }
    if (settings_.issuer &&
        !(claims["iss"].isString() && claims["iss"].asString() == *settings_.issuer)) {
        throw TokenError("token issuer does not match");
    }
    const std::int64_t id = user_id(claims["sub"]);
    const Json::Value& role = claims["role"];
    if (claims.isMember("role") && !role.isString()) {
        throw TokenError("token role is not a string");
    }
    return Principal{id, role.isString() && role.asString() == "admin", expires};
}

Principal Verifier::verify(std::string_view token, TimePoint now) {
    if (std::optional<Principal> known = verified_.find(token, now)) {
        return *known;
    }
    const Principal principal = check_claims(verify_signature(token), now);
    verified_.insert(token, principal, principal.expires + settings_.leeway, now);
    return principal;
}

}  // namespace pms::api::auth
