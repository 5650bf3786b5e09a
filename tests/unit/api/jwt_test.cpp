#include "fcgi/auth/jwt.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include "common/json.hpp"
#include "fcgi/auth/base64url.hpp"
#include "tests/support/jwt_sign.hpp"
#include "tests/unit/api/rfc7515_vectors.hpp"

namespace {

using pms::api::auth::base64url_decode;
using pms::api::auth::base64url_encode;
using pms::api::auth::parse_jwks;
using pms::api::auth::Principal;
using pms::api::auth::TokenError;
using pms::api::auth::Verifier;
using pms::api::auth::VerifierSettings;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::int64_t kNowSeconds = 1'700'000'000;
const TimePoint kNow{seconds(kNowSeconds)};
const std::string kSecret = "a shared secret for HS256, 32 bytes or more";

// --- RFC 7515 Appendix A -------------------------------------------------------------------------

using pms::test::rfc7515::kA1Key;
using pms::test::rfc7515::kA1Token;
using pms::test::rfc7515::kA2Token;
using pms::test::rfc7515::kA3Token;

const std::string kA2Jwks = std::string(R"({"keys": [{"kty": "RSA", "e": "AQAB", "n": ")") +
                            pms::test::rfc7515::kA2Modulus + R"("}]})";
const std::string kA3Jwks = std::string(R"({"keys": [{"kty": "EC", "crv": "P-256", "x": ")") +
                            pms::test::rfc7515::kA3X + R"(", "y": ")" + pms::test::rfc7515::kA3Y +
                            R"("}]})";

// --- helpers ------------------------------------------------------------------------------------

EVP_PKEY* rsa_key() {
    static const pms::test::PrivateKey key = pms::test::generate_rsa_key();
    return key.get();
}
EVP_PKEY* other_rsa_key() {
    static const pms::test::PrivateKey key = pms::test::generate_rsa_key();
    return key.get();
}
EVP_PKEY* p256_key() {
    static const pms::test::PrivateKey key = pms::test::generate_p256_key();
    return key.get();
}

/// Claims that pass: user 42, expiring an hour after kNow.
Json::Value claims() {
    Json::Value claims(Json::objectValue);
    claims["sub"] = "42";
    claims["exp"] = Json::Int64(kNowSeconds + 3600);
    return claims;
}

Json::Value with(Json::Value value, const char* name, Json::Value member) {
    value[name] = std::move(member);
    return value;
}

Json::Value without(Json::Value value, const char* name) {
    value.removeMember(name);
    return value;
}

Json::Value header(const char* name, Json::Value member) {
    return with(Json::Value(Json::objectValue), name, std::move(member));
}

VerifierSettings hs256_settings() {
    VerifierSettings settings;
    settings.hs256_secret = kSecret;
    return settings;
}

VerifierSettings jwks_settings(std::string_view jwks) {
    VerifierSettings settings;
    settings.jwks = parse_jwks(jwks);
    return settings;
}

std::string jwks_of(std::initializer_list<Json::Value> keys) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"] = Json::Value(Json::arrayValue);
    for (const Json::Value& key : keys) {
        jwks["keys"].append(key);
    }
    return pms::json::compact(jwks);
}

/// What verify() says of `token`: "accepted", or the TokenError's description, which must be
/// fit for a quoted header parameter.
std::string verdict(Verifier& verifier, std::string_view token, TimePoint now = kNow) {
    try {
        verifier.verify(token, now);
        return "accepted";
    } catch (const TokenError& error) {
        std::string description = error.what();
        EXPECT_EQ(description.find_first_of("\"\\"), std::string::npos) << description;
        return description;
    }
}

std::string hs256_verdict(const Json::Value& claims, TimePoint now = kNow,
                          VerifierSettings settings = hs256_settings()) {
    Verifier verifier(std::move(settings));
    return verdict(verifier, pms::test::sign_hs256(claims, kSecret), now);
}

/// `token` with its payload swapped for `claims`, keeping the old signature.
std::string with_payload(std::string_view token, const Json::Value& claims) {
    const std::size_t first = token.find('.');
    const std::size_t second = token.find('.', first + 1);
    return std::string(token.substr(0, first + 1)) + base64url_encode(pms::json::compact(claims)) +
           std::string(token.substr(second));
}

std::string signature_of(std::string_view token) {
    return *base64url_decode(token.substr(token.rfind('.') + 1));
}

/// `token` with its signature replaced by `signature` (raw bytes).
std::string with_signature(std::string_view token, std::string_view signature) {
    return std::string(token.substr(0, token.rfind('.') + 1)) + base64url_encode(signature);
}

// --- published vectors --------------------------------------------------------------------------

TEST(JwtRfc7515, A1Hs256SignatureVerifies) {
    VerifierSettings settings;
    settings.hs256_secret = *base64url_decode(kA1Key);
    Verifier verifier(std::move(settings));
    const Json::Value claims = verifier.verify_signature(kA1Token);
    EXPECT_EQ(claims["iss"].asString(), "joe");
    EXPECT_EQ(claims["exp"].asInt64(), 1300819380);
    EXPECT_TRUE(claims["http://example.com/is_root"].asBool());
    // The claims then fail pms-api's rules: no sub, and exp is in 2011.
    EXPECT_EQ(verdict(verifier, kA1Token, TimePoint(seconds(1300819000))), "token has no sub");
    EXPECT_EQ(verdict(verifier, kA1Token), "token has expired");
}

TEST(JwtRfc7515, A2Rs256SignatureVerifies) {
    Verifier verifier(jwks_settings(kA2Jwks));
    const Json::Value claims = verifier.verify_signature(kA2Token);
    EXPECT_EQ(claims["iss"].asString(), "joe");
    EXPECT_EQ(claims["exp"].asInt64(), 1300819380);
    EXPECT_THROW(verifier.verify_signature(with_payload(kA2Token, claims)), TokenError);
}

TEST(JwtRfc7515, A3Es256SignatureVerifies) {
    Verifier verifier(jwks_settings(kA3Jwks));
    const Json::Value claims = verifier.verify_signature(kA3Token);
    EXPECT_EQ(claims["iss"].asString(), "joe");
    EXPECT_TRUE(claims["http://example.com/is_root"].asBool());
    EXPECT_THROW(verifier.verify_signature(with_payload(kA3Token, claims)), TokenError);
}

TEST(JwtRfc7515, AVectorIsRefusedUnderAnotherAlgorithmsKey) {
    Verifier es256_only(jwks_settings(kA3Jwks));
    EXPECT_EQ(verdict(es256_only, kA2Token), "no key fits the token alg");
    EXPECT_EQ(verdict(es256_only, kA1Token), "HS256 tokens are not accepted");
}

// --- tokens that pass ---------------------------------------------------------------------------

TEST(JwtVerify, Hs256TokenGivesItsUser) {
    Verifier verifier(hs256_settings());
    const Principal principal = verifier.verify(pms::test::sign_hs256(claims(), kSecret), kNow);
    EXPECT_EQ(principal.user_id, 42);
    EXPECT_FALSE(principal.admin);
    EXPECT_EQ(principal.expires, TimePoint(seconds(kNowSeconds + 3600)));
}

TEST(JwtVerify, Rs256TokenFromAKeyOrItsPem) {
    Verifier verifier(jwks_settings(pms::test::jwks_for(rsa_key(), "r1")));
    EXPECT_EQ(verifier.verify(pms::test::sign_rs256(claims(), rsa_key()), kNow).user_id, 42);
    const std::string pem = pms::test::private_key_pem(rsa_key());
    EXPECT_EQ(verifier.verify(pms::test::sign_rs256(with(claims(), "sub", "7"), pem), kNow).user_id,
              7);
}

TEST(JwtVerify, Es256TokenFromAKeyOrItsPem) {
    Verifier verifier(jwks_settings(pms::test::jwks_for(p256_key(), "e1")));
    EXPECT_EQ(verifier.verify(pms::test::sign_es256(claims(), p256_key()), kNow).user_id, 42);
    const std::string pem = pms::test::private_key_pem(p256_key());
    EXPECT_EQ(verifier.verify(pms::test::sign_es256(with(claims(), "sub", "7"), pem), kNow).user_id,
              7);
}

TEST(JwtVerify, AllThreeAlgorithmsInOneVerifier) {
    VerifierSettings settings = jwks_settings(
        jwks_of({pms::test::jwk_for(rsa_key(), "r1"), pms::test::jwk_for(p256_key(), "e1")}));
    settings.hs256_secret = kSecret;
    Verifier verifier(std::move(settings));
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret)), "accepted");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key())), "accepted");
    EXPECT_EQ(verdict(verifier, pms::test::sign_es256(claims(), p256_key())), "accepted");
}

// --- form ---------------------------------------------------------------------------------------

TEST(JwtVerify, RefusesAnythingButThreeParts) {
    Verifier verifier(hs256_settings());
    const std::string token = pms::test::sign_hs256(claims(), kSecret);
    for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"),
                                   token + ".", token + ".x", "." + token}) {
        EXPECT_EQ(verdict(verifier, bad), "token is not three dot-separated parts") << bad;
    }
}

TEST(JwtVerify, RefusesBadBase64url) {
    Verifier verifier(hs256_settings());
    const std::string token = pms::test::sign_hs256(claims(), kSecret);
    EXPECT_EQ(verdict(verifier, "=" + token), "token header is not base64url");
    EXPECT_EQ(verdict(verifier, token + "="), "token signature is not base64url");
    EXPECT_EQ(verdict(verifier, token + "+"), "token signature is not base64url");
    // The payload is decoded only once the signature over its text holds.
    const std::string header = token.substr(0, token.find('.'));
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256_input(header + ".eyJ+", kSecret)),
              "token payload is not base64url");
}

TEST(JwtVerify, RefusesAHeaderOrPayloadThatIsNotAJsonObject) {
    Verifier verifier(hs256_settings());
    const std::string token = pms::test::sign_hs256(claims(), kSecret);
    const std::string rest = token.substr(token.find('.'));
    for (const char* bad : {"[]", "\"HS256\"", "{\"alg\":\"HS256\"", "{\"alg\":\"HS256\"} x",
                            R"({"alg":"HS256","alg":"none"})", ""}) {
        EXPECT_EQ(verdict(verifier, base64url_encode(bad) + rest),
                  "token header is not a JSON object")
            << bad;
    }
    const std::string header = token.substr(0, token.find('.') + 1);
    for (const char* bad : {"[1]", "42", "{\"sub\":\"1\"", R"({"sub":"1","sub":"2"})"}) {
        EXPECT_EQ(
            verdict(verifier, pms::test::sign_hs256_input(header + base64url_encode(bad), kSecret)),
            "token payload is not a JSON object")
            << bad;
    }
}

TEST(JwtVerify, RefusesTokensOver8KiB) {
    Verifier verifier(hs256_settings());
    // The largest padded token within the limit passes; the next one is refused.
    std::string padding;
    std::string token = pms::test::sign_hs256(claims(), kSecret);
    std::string longer = token;
    while (longer.size() <= Verifier::kMaxTokenBytes) {
        token = longer;
        padding.push_back('x');
        longer = pms::test::sign_hs256(with(claims(), "pad", padding), kSecret);
    }
    EXPECT_LE(token.size(), Verifier::kMaxTokenBytes);
    EXPECT_GT(token.size(), Verifier::kMaxTokenBytes - 4);
    EXPECT_EQ(verdict(verifier, token), "accepted");
    EXPECT_EQ(verdict(verifier, longer), "token is longer than 8 KiB");
    EXPECT_EQ(verdict(verifier, std::string(100'000, 'a')), "token is longer than 8 KiB");
}

// --- algorithm and key --------------------------------------------------------------------------

TEST(JwtVerify, RefusesAMissingAlg) {
    Verifier verifier(hs256_settings());
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret, header("alg", {}))),
              "token alg is missing or not a string");
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret, header("alg", 256))),
              "token alg is missing or not a string");
}

TEST(JwtVerify, RefusesAlgNone) {
    Verifier verifier(hs256_settings());
    const std::string unsigned_token = base64url_encode(R"({"alg":"none"})") + "." +
                                       base64url_encode(pms::json::compact(claims())) + ".";
    EXPECT_EQ(verdict(verifier, unsigned_token), "unsigned tokens (alg none) are not accepted");
    // Even with a signature that would hold for HS256.
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret, header("alg", "none"))),
              "unsigned tokens (alg none) are not accepted");
}

TEST(JwtVerify, RefusesOtherAlgorithms) {
    Verifier verifier(hs256_settings());
    for (const char* alg : {"HS512", "RS384", "PS256", "EdDSA", "NONE", "hs256", ""}) {
        EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret, header("alg", alg))),
                  "token alg is not HS256, RS256 or ES256")
            << alg;
    }
}

TEST(JwtVerify, RefusesCrit) {
    Verifier verifier(hs256_settings());
    Json::Value crit(Json::arrayValue);
    crit.append("exp");
    Json::Value extra = header("crit", crit);
    extra["exp"] = Json::Int64(kNowSeconds + 60);
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret, extra)),
              "token has a crit header, and no extension is supported");
}

TEST(JwtVerify, Hs256IsNeverCheckedWithAJwksKey) {
    // The classic confusion: the attacker has the RSA public key and uses its bytes as an HMAC
    // key, hoping the verifier hands the same bytes to HMAC.
    const std::string jwks = pms::test::jwks_for(rsa_key(), "r1");
    const std::string pem = pms::test::public_key_pem(rsa_key());
    const std::string der = pms::test::public_key_der(rsa_key());
    Verifier without_secret(jwks_settings(jwks));
    for (const std::string& secret : {pem, der}) {
        EXPECT_EQ(verdict(without_secret, pms::test::sign_hs256(claims(), secret)),
                  "HS256 tokens are not accepted");
        EXPECT_EQ(
            verdict(without_secret, pms::test::sign_hs256(claims(), secret, header("kid", "r1"))),
            "HS256 tokens are not accepted");
    }
    VerifierSettings settings = jwks_settings(jwks);
    settings.hs256_secret = kSecret;
    Verifier with_secret(std::move(settings));
    for (const std::string& secret : {pem, der}) {
        EXPECT_EQ(
            verdict(with_secret, pms::test::sign_hs256(claims(), secret, header("kid", "r1"))),
            "token signature is invalid");
    }
}

TEST(JwtVerify, EachAlgorithmOnlyWithItsKeyType) {
    Verifier verifier(jwks_settings(
        jwks_of({pms::test::jwk_for(rsa_key(), "r1"), pms::test::jwk_for(p256_key(), "e1")})));
    // A header claiming RS256 pointed at the EC key, and the other way round.
    EXPECT_EQ(verdict(verifier, pms::test::sign_es256(claims(), p256_key(),
                                                      with(header("alg", "RS256"), "kid", "e1"))),
              "the key with the token kid is not for the token alg");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(),
                                                      with(header("alg", "ES256"), "kid", "r1"))),
              "the key with the token kid is not for the token alg");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", "r1"))),
              "accepted");
    EXPECT_EQ(verdict(verifier, pms::test::sign_es256(claims(), p256_key(), header("kid", "e1"))),
              "accepted");
}

TEST(JwtVerify, KeysRestrictedByUseOrAlgAreNotUsed) {
    Json::Value enc(Json::objectValue);
    enc["use"] = "enc";
    Json::Value rs384(Json::objectValue);
    rs384["alg"] = "RS384";
    Verifier verifier(jwks_settings(jwks_of({pms::test::jwk_for(rsa_key(), "enc", enc),
                                             pms::test::jwk_for(other_rsa_key(), "384", rs384)})));
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", "enc"))),
              "the key with the token kid is not for the token alg");
    EXPECT_EQ(
        verdict(verifier, pms::test::sign_rs256(claims(), other_rsa_key(), header("kid", "384"))),
        "the key with the token kid is not for the token alg");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key())),
              "no key fits the token alg");
}

TEST(JwtVerify, TheKidChoosesTheKey) {
    Verifier verifier(jwks_settings(jwks_of(
        {pms::test::jwk_for(rsa_key(), "first"), pms::test::jwk_for(other_rsa_key(), "second")})));
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", "first"))),
              "accepted");
    EXPECT_EQ(verdict(verifier,
                      pms::test::sign_rs256(claims(), other_rsa_key(), header("kid", "second"))),
              "accepted");
    EXPECT_EQ(
        verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", "second"))),
        "token signature is invalid");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", "third"))),
              "no key has the token kid");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key(), header("kid", 1))),
              "token kid is not a string");
    // Without a kid, two RSA keys fit: the verifier does not try them in turn.
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key())),
              "token has no kid and several keys fit its alg");
}

TEST(JwtVerify, WithoutAKidTheOneFittingKeyIsUsed) {
    Verifier verifier(jwks_settings(
        jwks_of({pms::test::jwk_for(rsa_key(), "r1"), pms::test::jwk_for(p256_key(), "e1")})));
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key())), "accepted");
    EXPECT_EQ(verdict(verifier, pms::test::sign_es256(claims(), p256_key())), "accepted");
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), other_rsa_key())),
              "token signature is invalid");
}

TEST(JwtVerify, NoJwksMeansNoRs256OrEs256) {
    Verifier verifier(hs256_settings());
    EXPECT_EQ(verdict(verifier, pms::test::sign_rs256(claims(), rsa_key())),
              "no key fits the token alg");
    EXPECT_EQ(verdict(verifier, pms::test::sign_es256(claims(), p256_key(), header("kid", "e1"))),
              "no key has the token kid");
}

// --- signature ----------------------------------------------------------------------------------

TEST(JwtVerify, RefusesATamperedPayload) {
    const Json::Value admin = with(claims(), "role", "admin");
    Verifier hs256(hs256_settings());
    EXPECT_EQ(verdict(hs256, with_payload(pms::test::sign_hs256(claims(), kSecret), admin)),
              "token signature is invalid");
    Verifier rs256(jwks_settings(pms::test::jwks_for(rsa_key(), "r1")));
    EXPECT_EQ(verdict(rs256, with_payload(pms::test::sign_rs256(claims(), rsa_key()), admin)),
              "token signature is invalid");
    Verifier es256(jwks_settings(pms::test::jwks_for(p256_key(), "e1")));
    EXPECT_EQ(verdict(es256, with_payload(pms::test::sign_es256(claims(), p256_key()), admin)),
              "token signature is invalid");
}

TEST(JwtVerify, RefusesAnotherSecret) {
    Verifier verifier(hs256_settings());
    EXPECT_EQ(verdict(verifier, pms::test::sign_hs256(claims(), kSecret + "!")),
              "token signature is invalid");
}

TEST(JwtVerify, RefusesSignaturesOfTheWrongLength) {
    Verifier hs256(hs256_settings());
    const std::string mac = pms::test::sign_hs256(claims(), kSecret);
    EXPECT_EQ(verdict(hs256, with_signature(mac, signature_of(mac).substr(1))),
              "token signature is invalid");
    EXPECT_EQ(verdict(hs256, with_signature(mac, "")), "token signature is invalid");

    Verifier rs256(jwks_settings(pms::test::jwks_for(rsa_key(), "r1")));
    const std::string rsa = pms::test::sign_rs256(claims(), rsa_key());
    EXPECT_EQ(verdict(rs256, with_signature(rsa, signature_of(rsa).substr(1))),
              "token signature is invalid");
    EXPECT_EQ(verdict(rs256, with_signature(rsa, std::string(1, '\0') + signature_of(rsa))),
              "token signature is invalid");
    EXPECT_EQ(verdict(rs256, with_signature(rsa, "")), "token signature is invalid");

    // ES256 wants R || S, exactly 64 bytes, and neither may be zero.
    Verifier es256(jwks_settings(pms::test::jwks_for(p256_key(), "e1")));
    const std::string ec = pms::test::sign_es256(claims(), p256_key());
    EXPECT_EQ(signature_of(ec).size(), 64U);
    EXPECT_EQ(verdict(es256, with_signature(ec, signature_of(ec).substr(1))),
              "token signature is invalid");
    EXPECT_EQ(verdict(es256, with_signature(ec, signature_of(ec) + std::string(1, '\0'))),
              "token signature is invalid");
    EXPECT_EQ(verdict(es256, with_signature(ec, std::string(64, '\0'))),
              "token signature is invalid");
}

// --- claims -------------------------------------------------------------------------------------

TEST(JwtClaims, ExpIsRequiredAndANumber) {
    EXPECT_EQ(hs256_verdict(without(claims(), "exp")), "token has no exp");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", Json::Value())), "token has no exp");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", std::to_string(kNowSeconds + 60))),
              "token exp is not a number");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", true)), "token exp is not a number");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", -1)), "token exp is out of range");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", 1e12)), "token exp is out of range");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", kNowSeconds + 0.5)), "accepted");
}

TEST(JwtClaims, ExpiryAllowsTheLeewayAndNotOneSecondMore) {
    const Json::Value at_edge = with(claims(), "exp", Json::Int64(kNowSeconds - 30));
    EXPECT_EQ(hs256_verdict(at_edge), "accepted");
    EXPECT_EQ(hs256_verdict(at_edge, kNow + std::chrono::milliseconds(1)), "token has expired");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", Json::Int64(kNowSeconds - 31))),
              "token has expired");
    EXPECT_EQ(hs256_verdict(with(claims(), "exp", kNowSeconds - 30.5)), "token has expired");

    VerifierSettings strict = hs256_settings();
    strict.leeway = seconds(0);
    EXPECT_EQ(
        hs256_verdict(with(claims(), "exp", Json::Int64(kNowSeconds)), kNow, std::move(strict)),
        "accepted");
    strict = hs256_settings();
    strict.leeway = seconds(0);
    EXPECT_EQ(
        hs256_verdict(with(claims(), "exp", Json::Int64(kNowSeconds - 1)), kNow, std::move(strict)),
        "token has expired");
}

TEST(JwtClaims, NotBeforeAllowsTheLeeway) {
    EXPECT_EQ(hs256_verdict(with(claims(), "nbf", Json::Int64(kNowSeconds + 30))), "accepted");
    EXPECT_EQ(hs256_verdict(with(claims(), "nbf", Json::Int64(kNowSeconds + 31))),
              "token is not valid yet");
    EXPECT_EQ(hs256_verdict(with(claims(), "nbf", Json::Int64(kNowSeconds - 3600))), "accepted");
    EXPECT_EQ(hs256_verdict(with(claims(), "nbf", "now")), "token nbf is not a number");
    EXPECT_EQ(hs256_verdict(with(claims(), "nbf", Json::Value())), "token nbf is not a number");
}

TEST(JwtClaims, AudienceWhenConfigured) {
    VerifierSettings settings = hs256_settings();
    settings.audience = "pms-api";
    Verifier verifier(std::move(settings));
    const auto check = [&](const Json::Value& claims) {
        return verdict(verifier, pms::test::sign_hs256(claims, kSecret));
    };
    Json::Value both(Json::arrayValue);
    both.append("billing");
    both.append("pms-api");
    Json::Value other(Json::arrayValue);
    other.append("billing");
    other.append(7);
    EXPECT_EQ(check(with(claims(), "aud", "pms-api")), "accepted");
    EXPECT_EQ(check(with(claims(), "aud", both)), "accepted");
    EXPECT_EQ(check(with(claims(), "aud", "billing")), "token audience does not match");
    EXPECT_EQ(check(with(claims(), "aud", "PMS-API")), "token audience does not match");
    EXPECT_EQ(check(with(claims(), "aud", other)), "token audience does not match");
    EXPECT_EQ(check(with(claims(), "aud", Json::Value(Json::arrayValue))),
              "token audience does not match");
    EXPECT_EQ(check(with(claims(), "aud", 1)), "token audience does not match");
    EXPECT_EQ(check(claims()), "token audience does not match");
    // Not configured: aud is not read.
    EXPECT_EQ(hs256_verdict(with(claims(), "aud", "billing")), "accepted");
}

TEST(JwtClaims, IssuerWhenConfigured) {
    VerifierSettings settings = hs256_settings();
    settings.issuer = "https://id.example";
    Verifier verifier(std::move(settings));
    const auto check = [&](const Json::Value& claims) {
        return verdict(verifier, pms::test::sign_hs256(claims, kSecret));
    };
    EXPECT_EQ(check(with(claims(), "iss", "https://id.example")), "accepted");
    EXPECT_EQ(check(with(claims(), "iss", "https://id.example/")), "token issuer does not match");
    EXPECT_EQ(check(with(claims(), "iss", 1)), "token issuer does not match");
    EXPECT_EQ(check(claims()), "token issuer does not match");
    EXPECT_EQ(hs256_verdict(with(claims(), "iss", "anyone")), "accepted");
}

TEST(JwtClaims, SubIsAStringOfAPositiveUserId) {
    Verifier verifier(hs256_settings());
    const auto user = [&](const Json::Value& sub) {
        return verifier.verify(pms::test::sign_hs256(with(claims(), "sub", sub), kSecret), kNow)
            .user_id;
    };
    EXPECT_EQ(user("1"), 1);
    EXPECT_EQ(user("42"), 42);
    EXPECT_EQ(user("999999999999999999"), 999'999'999'999'999'999);
    for (const char* bad : {"", "0", "007", "-5", "+5", "4 2", "42a", " 42", "4.2", "1e3",
                            "1000000000000000000", "99999999999999999999"}) {
        EXPECT_EQ(hs256_verdict(with(claims(), "sub", bad)), "token sub is not a user id") << bad;
    }
    EXPECT_EQ(hs256_verdict(with(claims(), "sub", 42)), "token sub is not a string");
    EXPECT_EQ(hs256_verdict(with(claims(), "sub", 4.2)), "token sub is not a string");
    EXPECT_EQ(hs256_verdict(without(claims(), "sub")), "token has no sub");
}

TEST(JwtClaims, RoleAdminMakesAnAdmin) {
    Verifier verifier(hs256_settings());
    const auto admin = [&](const Json::Value& claims) {
        return verifier.verify(pms::test::sign_hs256(claims, kSecret), kNow).admin;
    };
    EXPECT_TRUE(admin(with(claims(), "role", "admin")));
    EXPECT_FALSE(admin(with(claims(), "role", "user")));
    EXPECT_FALSE(admin(with(claims(), "role", "Admin")));
    EXPECT_FALSE(admin(with(claims(), "role", "")));
    EXPECT_FALSE(admin(claims()));
    EXPECT_EQ(hs256_verdict(with(claims(), "role", true)), "token role is not a string");
    Json::Value roles(Json::arrayValue);
    roles.append("admin");
    EXPECT_EQ(hs256_verdict(with(claims(), "role", roles)), "token role is not a string");
}

// --- cache --------------------------------------------------------------------------------------

TEST(JwtCache, ARepeatedTokenGivesTheSamePrincipal) {
    Verifier verifier(hs256_settings());
    const std::string token = pms::test::sign_hs256(with(claims(), "role", "admin"), kSecret);
    const Principal first = verifier.verify(token, kNow);
    const Principal again = verifier.verify(token, kNow + seconds(60));
    EXPECT_EQ(again.user_id, first.user_id);
    EXPECT_EQ(again.admin, first.admin);
    EXPECT_EQ(again.expires, first.expires);
    EXPECT_TRUE(again.admin);
}

TEST(JwtCache, AnExpiredCachedTokenIsRefused) {
    Verifier verifier(hs256_settings());
    const std::string token = pms::test::sign_hs256(claims(), kSecret);
    EXPECT_EQ(verdict(verifier, token), "accepted");
    EXPECT_EQ(verdict(verifier, token, kNow + seconds(3600 + 30)), "accepted");
    EXPECT_EQ(verdict(verifier, token, kNow + seconds(3600 + 31)), "token has expired");
}

TEST(JwtCache, ARefusedTokenStaysRefused) {
    VerifierSettings settings = hs256_settings();
    settings.audience = "pms-api";
    Verifier verifier(std::move(settings));
    const std::string token = pms::test::sign_hs256(claims(), kSecret);
    EXPECT_EQ(verdict(verifier, token), "token audience does not match");
    EXPECT_EQ(verdict(verifier, token), "token audience does not match");
}

}  // namespace
