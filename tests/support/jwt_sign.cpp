/// Minting test tokens and key sets with OpenSSL.
#include "tests/support/jwt_sign.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/json.hpp"
#include "fcgi/auth/base64url.hpp"
#include "fcgi/auth/hs256.hpp"
#include "fcgi/auth/openssl_error.hpp"

namespace pms::test {

namespace {

using pms::api::auth::base64url_encode;
using pms::api::auth::throw_openssl_error;

constexpr int kP256CoordinateBytes = 32;

template <typename T, void (*Release)(T*)>
struct Releaser {
    void operator()(T* object) const { Release(object); }
};
template <typename T, void (*Release)(T*)>
using Owned = std::unique_ptr<T, Releaser<T, Release>>;

void free_bio(BIO* bio) {
    BIO_free(bio);
}

using Bio = Owned<BIO, free_bio>;
using Bignum = Owned<BIGNUM, BN_free>;
using DigestContext = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSignature = Owned<ECDSA_SIG, ECDSA_SIG_free>;

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string bytes_of(const BIGNUM* number, int width) {
    std::string bytes(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(number)), '\0');
    auto* out = reinterpret_cast<unsigned char*>(bytes.data());
    if (BN_bn2binpad(number, out, static_cast<int>(bytes.size())) < 0) {
        throw_openssl_error("BN_bn2binpad");
    }
    return bytes;
}

Bignum bignum_param(EVP_PKEY* key, const char* name) {
    BIGNUM* number = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &number) != 1) {
        throw_openssl_error(std::string("EVP_PKEY_get_bn_param(") + name + ")");
    }
    return Bignum(number);
}

std::string signing_input(const Json::Value& claims, const char* algorithm,
                          const Json::Value& extra_header) {
    Json::Value header(Json::objectValue);
    header["alg"] = algorithm;
    header["typ"] = "JWT";
    if (extra_header.isObject()) {
        for (const std::string& name : extra_header.getMemberNames()) {
            if (extra_header[name].isNull()) {
                header.removeMember(name);
            } else {
                header[name] = extra_header[name];
            }
        }
    }
    return base64url_encode(pms::json::compact(header)) + "." +
           base64url_encode(pms::json::compact(claims));
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
    const DigestContext context(EVP_MD_CTX_new());
    if (!context || EVP_DigestSignInit_ex(context.get(), nullptr, "SHA256", nullptr, nullptr, key,
                                          nullptr) != 1) {
        throw_openssl_error("EVP_DigestSignInit_ex");
    }
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    std::size_t size = 0;
    if (EVP_DigestSign(context.get(), nullptr, &size, data, input.size()) != 1) {
        throw_openssl_error("EVP_DigestSign");
    }
    std::string signature(size, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       data, input.size()) != 1) {
        throw_openssl_error("EVP_DigestSign");
    }
    signature.resize(size);
    return signature;
}

// OpenSSL signs ECDSA as DER; JWS wants R || S, each padded to 32 bytes.
std::string der_to_p256_raw(const std::string& der) {
    const auto* in = reinterpret_cast<const unsigned char*>(der.data());
    const EcdsaSignature signature(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
    if (!signature) {
        throw_openssl_error("d2i_ECDSA_SIG");
    }
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    return bytes_of(r, kP256CoordinateBytes) + bytes_of(s, kP256CoordinateBytes);
}

PrivateKey generate(const char* type, const char* curve, std::size_t bits) {
    EVP_PKEY* key = curve != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                                     : EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits);
    if (key == nullptr) {
        throw_openssl_error(std::string("EVP_PKEY_Q_keygen(") + type + ")");
    }
    return PrivateKey(key);
}

}  // namespace

void PkeyFree::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}

PrivateKey generate_rsa_key(unsigned bits) {
    return generate("RSA", nullptr, bits);
}

PrivateKey generate_p256_key() {
    return generate("EC", "P-256", 0);
}

PrivateKey private_key_from_pem(std::string_view pem) {
    const Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) {
        throw_openssl_error("BIO_new_mem_buf");
    }
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) {
        throw_openssl_error("PEM_read_bio_PrivateKey");
    }
    return PrivateKey(key);
}

std::string private_key_pem(EVP_PKEY* key) {
    const Bio bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        throw_openssl_error("PEM_write_bio_PrivateKey");
    }
    return bio_contents(bio.get());
}

std::string public_key_pem(EVP_PKEY* key) {
    const Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
        throw_openssl_error("PEM_write_bio_PUBKEY");
    }
    return bio_contents(bio.get());
}

std::string public_key_der(EVP_PKEY* key) {
    const Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || i2d_PUBKEY_bio(bio.get(), key) != 1) {
        throw_openssl_error("i2d_PUBKEY_bio");
    }
    return bio_contents(bio.get());
}

Json::Value jwk_for(EVP_PKEY* key, std::string_view kid, const Json::Value& extra_members) {
    Json::Value jwk(Json::objectValue);
    jwk["kid"] = std::string(kid);
    if (EVP_PKEY_is_a(key, "RSA") == 1) {
        jwk["kty"] = "RSA";
        jwk["n"] = base64url_encode(bytes_of(bignum_param(key, OSSL_PKEY_PARAM_RSA_N).get(), 0));
        jwk["e"] = base64url_encode(bytes_of(bignum_param(key, OSSL_PKEY_PARAM_RSA_E).get(), 0));
    } else {
        jwk["kty"] = "EC";
        jwk["crv"] = "P-256";
        jwk["x"] = base64url_encode(
            bytes_of(bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_X).get(), kP256CoordinateBytes));
        jwk["y"] = base64url_encode(
            bytes_of(bignum_param(key, OSSL_PKEY_PARAM_EC_PUB_Y).get(), kP256CoordinateBytes));
    }
    if (extra_members.isObject()) {
        for (const std::string& name : extra_members.getMemberNames()) {
            jwk[name] = extra_members[name];
        }
    }
    return jwk;
}

std::string jwks_for(EVP_PKEY* key, std::string_view kid, const Json::Value& extra_members) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(jwk_for(key, kid, extra_members));
    return pms::json::compact(jwks);
}

std::string sign_hs256_input(std::string_view signing_input, std::string_view secret) {
    return std::string(signing_input) + "." +
           base64url_encode(pms::api::auth::hs256(secret, signing_input));
}

std::string sign_hs256(const Json::Value& claims, std::string_view secret,
                       const Json::Value& extra_header) {
    return sign_hs256_input(signing_input(claims, "HS256", extra_header), secret);
}

std::string sign_rs256(const Json::Value& claims, EVP_PKEY* key, const Json::Value& extra_header) {
    const std::string input = signing_input(claims, "RS256", extra_header);
    return input + "." + base64url_encode(digest_sign(key, input));
}

std::string sign_rs256(const Json::Value& claims, std::string_view private_key_pem,
                       const Json::Value& extra_header) {
    return sign_rs256(claims, private_key_from_pem(private_key_pem).get(), extra_header);
}

std::string sign_es256(const Json::Value& claims, EVP_PKEY* key, const Json::Value& extra_header) {
    const std::string input = signing_input(claims, "ES256", extra_header);
    return input + "." + base64url_encode(der_to_p256_raw(digest_sign(key, input)));
}

std::string sign_es256(const Json::Value& claims, std::string_view private_key_pem,
                       const Json::Value& extra_header) {
    return sign_es256(claims, private_key_from_pem(private_key_pem).get(), extra_header);
}

}  // namespace pms::test
