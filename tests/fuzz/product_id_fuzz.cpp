/// Product ids from the path (/products/{id}): is_product_id() and parse_product_id() agree, and
/// an accepted id is a positive 64-bit integer in canonical decimal form (what PostgreSQL's
/// bigint will take without error).
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fcgi/api_error.hpp"
#include "fcgi/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view segment(reinterpret_cast<const char*>(data), size);
    const bool valid = pms::api::is_product_id(segment);
    try {
        const std::string id = pms::api::parse_product_id(segment);
        if (!valid || id != segment) {
            std::abort();
        }
        errno = 0;
        char* end = nullptr;
        const long long number = std::strtoll(id.c_str(), &end, 10);
        if (errno != 0 || *end != '\0' || number <= 0 || std::to_string(number) != id) {
            std::abort();
        }
    } catch (const pms::api::ApiError& error) {
        if (valid || error.status() != 404) {
            std::abort();
        }
    }
    return 0;
}
