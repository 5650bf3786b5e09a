/// Bearer tokens: the input is the token text. verify_signature() and verify() with an HS256
/// secret and a JWKS of one RSA and one P-256 key (fuzz_keys.hpp), an audience and an issuer.
/// Only TokenError may come out; OpenSslError would mean OpenSSL failed on client input.
#include <json/json.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <utility>

#include "fcgi/auth/jwks.hpp"
#include "fcgi/auth/jwt.hpp"
#include "fuzz_keys.hpp"
#include "tests/support/jwt_sign.hpp"

namespace {

pms::api::auth::VerifierSettings settings() {
    Json::Value keys(Json::arrayValue);
    keys.append(pms::test::jwk_for(
        pms::test::private_key_from_pem(pms::fuzz::kRsaPrivateKeyPem).get(), pms::fuzz::kRsaKid));
    keys.append(pms::test::jwk_for(
        pms::test::private_key_from_pem(pms::fuzz::kEcPrivateKeyPem).get(), pms::fuzz::kEcKid));
    Json::Value document(Json::objectValue);
    document["keys"] = keys;

    pms::api::auth::VerifierSettings result;
    result.hs256_secret = pms::fuzz::kHs256Secret;
    result.jwks = pms::api::auth::parse_jwks(Json::FastWriter().write(document));
    result.audience = pms::fuzz::kAudience;
    result.issuer = pms::fuzz::kIssuer;
    return result;
}

// Built once: the keys are parsed and checked by OpenSSL, which costs more than a token (and
// settings holding keys cannot be copied). Its cache of accepted tokens carries over between
// inputs; only inputs with a valid signature get there, and each is verified twice below, so
// that the cached answer is checked on the spot.
pms::api::auth::Verifier* g_verifier = nullptr;

// Fixed, so that a run is reproducible: the seed tokens expire in 2100 (make_seeds.cpp).
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    g_verifier = new pms::api::auth::Verifier(settings());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    try {
        g_verifier->verify_signature(token);
    } catch (const pms::api::auth::TokenError&) {
    }
    try {
        const pms::api::auth::Principal first = g_verifier->verify(token, kNow);
        // Accepted once, answered from the cache the second time: the same user and role.
        const pms::api::auth::Principal again = g_verifier->verify(token, kNow);
        if (first.user_id <= 0 || first.user_id != again.user_id || first.admin != again.admin ||
            first.expires != again.expires) {
            std::abort();
        }
    } catch (const pms::api::auth::TokenError&) {
    }
    return 0;
}
