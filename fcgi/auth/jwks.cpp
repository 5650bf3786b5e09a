/// Reading a JWK Set into RSA and P-256 public keys.
#include "fcgi/auth/jwks.hpp"

#include <json/json.h>

#include <utility>

#include "common/json.hpp"
#include "fcgi/auth/base64url.hpp"

namespace pms::api::auth {

namespace {

/// A JWK member that must be a string when present.
std::optional<std::string> optional_string(const Json::Value& jwk, const char* name,
                                           const std::string& label) {
    const Json::Value& value = jwk[name];
    if (value.isNull()) {
        return std::nullopt;
    }
    if (!value.isString()) {
        throw JwksError(label + ": " + name + " is not a string");
    }
    return value.asString();
}

/// A required base64url member: the bytes it encodes.
std::string required_bytes(const Json::Value& jwk, const char* name, const std::string& label) {
    const Json::Value& value = jwk[name];
    if (!value.isString()) {
        throw JwksError(label + ": " + name + " is missing or not a string");
    }
    std::optional<std::string> bytes = base64url_decode(value.asString());
    if (!bytes || bytes->empty()) {
        throw JwksError(label + ": " + name + " is not non-empty unpadded base64url");
    }
    return std::move(*bytes);
}

/// The key, or nothing for a type or curve that pms-api does not verify with.
std::optional<PublicKey> supported_key(const Json::Value& jwk, const std::string& kty,
                                       const std::string& label) {
    try {
        if (kty == "RSA") {
            return PublicKey::rsa(required_bytes(jwk, "n", label), required_bytes(jwk, "e", label));
        }
        if (kty == "EC") {
            const Json::Value& crv = jwk["crv"];
            if (!crv.isString()) {
                throw JwksError(label + ": crv is missing or not a string");
            }
            if (crv.asString() != "P-256") {
                return std::nullopt;
            }
            return PublicKey::p256(required_bytes(jwk, "x", label),
                                   required_bytes(jwk, "y", label));
        }
        return std::nullopt;
    } catch (const JwksError&) {
        throw;
    } catch (const std::runtime_error& error) {
        // PublicKey's reasons (too short, not on the curve, refused by OpenSSL) lack the key's
        // name.
        throw JwksError(label + ": " + error.what());
    }
}

}  // namespace

bool Jwk::fits(std::string_view algorithm) const {
    return key.algorithm() == algorithm && (!use || *use == "sig") && (!alg || *alg == algorithm);
}

std::vector<Jwk> parse_jwks(std::string_view document) {
    std::string error;
    const std::optional<Json::Value> root = pms::json::parse_strict(document, &error);
    if (!root) {
        throw JwksError("JWKS is not valid JSON: " + error);
    }
    if (!root->isObject() || !(*root)["keys"].isArray()) {
        throw JwksError("JWKS is not an object with a keys array");
    }
    const Json::Value& keys = (*root)["keys"];
    std::vector<Jwk> parsed;
    for (Json::ArrayIndex i = 0; i < keys.size(); ++i) {
        const Json::Value& jwk = keys[i];
        std::string label = "JWKS key " + std::to_string(i);
        if (!jwk.isObject()) {
            throw JwksError(label + ": not an object");
        }
        if (jwk["kid"].isString()) {
            label += " (kid " + jwk["kid"].asString() + ")";
        }
        if (!jwk["kty"].isString()) {
            throw JwksError(label + ": kty is missing or not a string");
        }
        std::optional<PublicKey> key = supported_key(jwk, jwk["kty"].asString(), label);
        if (!key) {
            continue;
        }
        Jwk entry{optional_string(jwk, "kid", label), optional_string(jwk, "use", label),
                  optional_string(jwk, "alg", label), std::move(*key)};
        for (const Jwk& earlier : parsed) {
            if (entry.kid && earlier.kid == entry.kid &&
                earlier.key.algorithm() == entry.key.algorithm()) {
                // A token naming this kid could not tell which of the two checks it.
                throw JwksError(label + ": another " + std::string(entry.key.algorithm()) +
                                " key has the same kid");
            }
        }
        parsed.push_back(std::move(entry));
    }
    return parsed;
}

}  // namespace pms::api::auth
