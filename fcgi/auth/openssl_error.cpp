/// Turning OpenSSL's error queue into exceptions.
#include "fcgi/auth/openssl_error.hpp"

#include <openssl/err.h>

namespace pms::api::auth {

void throw_openssl_error(const std::string& context) {
    std::string message = context;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        message += message.size() == context.size() ? ": " : "; ";
        message += text;
    }
    throw OpenSslError(message);
}

void discard_openssl_errors() {
    ERR_clear_error();
}

}  // namespace pms::api::auth
