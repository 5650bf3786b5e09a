/// Building RSA and P-256 public keys from their JWK numbers, and checking JWS signatures.
#include "fcgi/auth/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "fcgi/auth/openssl_error.hpp"

namespace pms::api::auth {

namespace {

constexpr int kMinimumRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;

template <typename T, void (*Release)(T*)>
struct Releaser {
    void operator()(T* object) const { Release(object); }
};
template <typename T, void (*Release)(T*)>
using Owned = std::unique_ptr<T, Releaser<T, Release>>;

using Bignum = Owned<BIGNUM, BN_free>;
using ParamBuilder = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Owned<OSSL_PARAM, OSSL_PARAM_free>;
using PkeyContext = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using DigestContext = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSignature = Owned<ECDSA_SIG, ECDSA_SIG_free>;

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

Bignum to_bignum(std::string_view big_endian) {
    Bignum number(BN_bin2bn(bytes_of(big_endian), static_cast<int>(big_endian.size()), nullptr));
    if (!number) {
        throw_openssl_error("BN_bin2bn");
    }
    return number;
}

ParamBuilder new_param_builder() {
    ParamBuilder builder(OSSL_PARAM_BLD_new());
    if (!builder) {
        throw_openssl_error("OSSL_PARAM_BLD_new");
    }
    return builder;
}

Params to_params(OSSL_PARAM_BLD* builder) {
    Params params(OSSL_PARAM_BLD_to_param(builder));
    if (!params) {
        throw_openssl_error("OSSL_PARAM_BLD_to_param");
    }
    return params;
}

// `what` names the key in errors: OpenSSL refusing the numbers is the input's fault.
EVP_PKEY* public_key_from(const char* type, OSSL_PARAM* params, const std::string& what) {
    const PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!context || EVP_PKEY_fromdata_init(context.get()) != 1) {
        throw_openssl_error(std::string("EVP_PKEY_fromdata_init(") + type + ")");
    }
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        throw_openssl_error(what + " is refused by OpenSSL");
    }
    return key;
}

void check_public_key(EVP_PKEY* key, const std::string& what) {
    const PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!context) {
        throw_openssl_error("EVP_PKEY_CTX_new_from_pkey");
    }
    if (EVP_PKEY_public_check(context.get()) != 1) {
        throw_openssl_error(what + " fails the public key check");
    }
}

// JWS carries an ECDSA signature as the two 32-byte integers back to back (RFC 7518 §3.4);
// OpenSSL wants the DER SEQUENCE of X9.62.
std::string p256_raw_to_der(std::string_view raw) {
    const EcdsaSignature signature(ECDSA_SIG_new());
    if (!signature) {
        throw_openssl_error("ECDSA_SIG_new");
    }
    Bignum r = to_bignum(raw.substr(0, kP256CoordinateBytes));
    Bignum s = to_bignum(raw.substr(kP256CoordinateBytes));
    if (ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
        throw_openssl_error("ECDSA_SIG_set0");
    }
    (void)r.release();  // owned by `signature` now
    (void)s.release();
    const int size = i2d_ECDSA_SIG(signature.get(), nullptr);
    if (size <= 0) {
        throw_openssl_error("i2d_ECDSA_SIG");
    }
    std::string der(static_cast<std::size_t>(size), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(signature.get(), &out) != size) {
        throw_openssl_error("i2d_ECDSA_SIG");
    }
    return der;
}

}  // namespace

void PublicKey::Free::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}

PublicKey PublicKey::rsa(std::string_view modulus, std::string_view exponent) {
    const Bignum n = to_bignum(modulus);
    const Bignum e = to_bignum(exponent);
    const ParamBuilder builder = new_param_builder();
    if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        throw_openssl_error("OSSL_PARAM_BLD_push_BN");
    }
    const Params params = to_params(builder.get());
    Owner key(public_key_from("RSA", params.get(), "RSA key"));
    const int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinimumRsaBits) {
        throw std::runtime_error("RSA key has " + std::to_string(bits) + " bits, under the " +
                                 std::to_string(kMinimumRsaBits) + " minimum");
    }
    check_public_key(key.get(), "RSA key");
    return PublicKey(Kind::rsa, std::move(key));
}

PublicKey PublicKey::p256(std::string_view x, std::string_view y) {
    if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
        throw std::runtime_error("P-256 coordinates must be 32 bytes each");
    }
    // SEC 1 uncompressed point: 0x04 || x || y.
    std::string point = "\x04";
    point.append(x).append(y);
    const ParamBuilder builder = new_param_builder();
    if (OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                        SN_X9_62_prime256v1, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        throw_openssl_error("OSSL_PARAM_BLD_push");
    }
    const Params params = to_params(builder.get());
    const std::string what = "P-256 point (x, y)";
    Owner key(public_key_from("EC", params.get(), what));
    // fromdata already refuses most bad points; the full check (on the curve, not at infinity,
    // of the group's order) is explicit rather than left to an implementation detail.
    check_public_key(key.get(), what);
    return PublicKey(Kind::p256, std::move(key));
}

std::string_view PublicKey::algorithm() const {
    return kind_ == Kind::rsa ? "RS256" : "ES256";
}

bool PublicKey::verify(std::string_view signing_input, std::string_view signature) const {
    std::string der;
    if (kind_ == Kind::p256) {
        if (signature.size() != 2 * kP256CoordinateBytes) {
            return false;
        }
        der = p256_raw_to_der(signature);
        signature = der;
    }
    const DigestContext context(EVP_MD_CTX_new());
    if (!context) {
        throw_openssl_error("EVP_MD_CTX_new");
    }
    if (EVP_DigestVerifyInit_ex(context.get(), nullptr, "SHA256", nullptr, nullptr, key_.get(),
                                nullptr) != 1) {
        throw_openssl_error("EVP_DigestVerifyInit_ex");
    }
    // 0 is a wrong signature; a negative result is one OpenSSL could not even parse (an RSA
    // signature of the wrong length): also the token's fault, so both fail closed alike.
    if (EVP_DigestVerify(context.get(), bytes_of(signature), signature.size(),
                         bytes_of(signing_input), signing_input.size()) != 1) {
        discard_openssl_errors();
        return false;
    }
    return true;
}

}  // namespace pms::api::auth
