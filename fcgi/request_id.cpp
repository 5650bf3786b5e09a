/// Choosing (or making) the request id.
#include "fcgi/request_id.hpp"

#include <unistd.h>

#include <chrono>
#include <random>

namespace pms::api {

bool is_well_formed_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string choose_request_id(const char* client_header, const char* nginx_id) {
    if (client_header != nullptr && is_well_formed_request_id(client_header)) {
        return client_header;
    }
    if (nginx_id != nullptr && is_well_formed_request_id(nginx_id)) {
        return nginx_id;
    }
    // Only without nginx in front (e.g. a FastCGI test client): 128 random bits in hex like nginx.
    thread_local std::mt19937_64 random(
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        static_cast<uint64_t>(getpid()));
    static const char* const kHex = "0123456789abcdef";
    std::string id(32, '0');
    for (size_t i = 0; i < id.size(); i += 16) {
        uint64_t bits = random();
        for (size_t j = 0; j < 16; ++j, bits >>= 4U) {
            id[i + j] = kHex[bits & 0xFU];
        }
    }
    return id;
}

}  // namespace pms::api
