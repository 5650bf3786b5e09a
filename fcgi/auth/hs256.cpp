/// HMAC-SHA256 through OpenSSL.
#include "fcgi/auth/hs256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fcgi/auth/openssl_error.hpp"

namespace pms::api::auth {

std::string hs256(std::string_view key, std::string_view input) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
             &length) == nullptr) {
        throw_openssl_error("HMAC(sha256)");
    }
    return std::string(reinterpret_cast<const char*>(mac), length);
}

}  // namespace pms::api::auth
