#pragma once
/// A public key that checks JWS signatures: RSA for RS256, NIST P-256 for ES256. It owns its
/// OpenSSL EVP_PKEY, which never leaves this class.

#include <openssl/types.h>

#include <memory>
#include <string_view>
#include <utility>

namespace pms::api::auth {

class PublicKey {
public:
    /// From the unsigned big-endian modulus and public exponent (RFC 7518 §6.3.1). Throws
    /// std::runtime_error when the modulus is under 2048 bits or OpenSSL refuses the key.
    static PublicKey rsa(std::string_view modulus, std::string_view exponent);
    /// From the big-endian affine coordinates, 32 bytes each (RFC 7518 §6.2.1). Throws
    /// std::runtime_error when they are not a point on the curve.
    static PublicKey p256(std::string_view x, std::string_view y);

    /// "RS256" or "ES256": the one JWS algorithm this key checks.
    std::string_view algorithm() const;

    /// Whether `signature`, in its JWS form (RSASSA-PKCS1-v1_5 for RSA, R || S for ECDSA), signs
    /// `signing_input` with SHA-256. Throws OpenSslError only when OpenSSL cannot run the check.
    bool verify(std::string_view signing_input, std::string_view signature) const;

private:
    enum class Kind { rsa, p256 };
    struct Free {
        void operator()(EVP_PKEY* key) const;
    };
    using Owner = std::unique_ptr<EVP_PKEY, Free>;

    PublicKey(Kind kind, Owner key) : kind_(kind), key_(std::move(key)) {}

    Kind kind_;
    Owner key_;
};

}  // namespace pms::api::auth
