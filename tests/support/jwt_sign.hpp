#pragma once
/// Minting JWTs and JWK Sets for tests of whatever checks them (fcgi/auth/jwt.hpp). Every
/// function throws std::runtime_error when OpenSSL fails.

#include <json/json.h>
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace pms::test {

struct PkeyFree {
    void operator()(EVP_PKEY* key) const;
};
/// A private (and so also public) key.
using PrivateKey = std::unique_ptr<EVP_PKEY, PkeyFree>;

PrivateKey generate_rsa_key(unsigned bits = 2048);
PrivateKey generate_p256_key();
/// From a PEM "PRIVATE KEY" (PKCS #8) or a traditional RSA / EC private key.
PrivateKey private_key_from_pem(std::string_view pem);

/// The key as a PEM "PRIVATE KEY" (PKCS #8), for the functions that take one.
std::string private_key_pem(EVP_PKEY* key);

/// The public half as PEM (SubjectPublicKeyInfo) and as DER: what an attacker has at hand.
std::string public_key_pem(EVP_PKEY* key);
std::string public_key_der(EVP_PKEY* key);

/// A JWKS document (`{"keys": [...]}`) holding the public half of `key` (RSA or P-256) with
/// `kid`, plus `extra_members` (e.g. use, alg) in the key.
std::string jwks_for(EVP_PKEY* key, std::string_view kid,
                     const Json::Value& extra_members = Json::Value());
/// The one key object of jwks_for(), to build sets of several keys.
Json::Value jwk_for(EVP_PKEY* key, std::string_view kid,
                    const Json::Value& extra_members = Json::Value());

/// Signed tokens. The header is {"alg": <the algorithm>, "typ": "JWT"} with the members of
/// `extra_header` added; an extra member replaces one of these, and a null one removes it (so a
/// token can claim another alg than it is signed with, or none).
std::string sign_hs256(const Json::Value& claims, std::string_view secret,
                       const Json::Value& extra_header = Json::Value());
std::string sign_rs256(const Json::Value& claims, EVP_PKEY* key,
                       const Json::Value& extra_header = Json::Value());
std::string sign_rs256(const Json::Value& claims, std::string_view private_key_pem,
                       const Json::Value& extra_header = Json::Value());
std::string sign_es256(const Json::Value& claims, EVP_PKEY* key,
                       const Json::Value& extra_header = Json::Value());
std::string sign_es256(const Json::Value& claims, std::string_view private_key_pem,
                       const Json::Value& extra_header = Json::Value());

/// `signing_input` (normally base64url(header) "." base64url(payload)) followed by "." and its
/// HS256 MAC: for tokens whose header or payload no JSON writer would produce.
std::string sign_hs256_input(std::string_view signing_input, std::string_view secret);

}  // namespace pms::test
