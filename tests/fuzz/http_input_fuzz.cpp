/// The JSON bodies of POST /users, POST /products and PUT /products/{id}, the Content-Type check
/// and the text check, on any bytes. Only ApiError (a 4xx answer) may come out: anything else
/// escaping is a bug the client could trigger, and libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/json.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/input.hpp"
#include "fcgi/storable_text.hpp"

namespace {

/// A reference UTF-8 check (RFC 3629: shortest forms, no surrogates, at most U+10FFFF, no NUL),
/// written as plainly as possible so that is_storable_text() can be compared with it.
bool reference_storable(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0) {
            return false;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        uint32_t code = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            code = c & 0x1FU;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            code = c & 0x0FU;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            code = c & 0x07U;
        } else {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return false;
            }
            code = (code << 6) | (next & 0x3FU);
        }
        const uint32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

template <typename Parse>
void expect_only_api_errors(Parse parse) {
    try {
        parse();
    } catch (const pms::api::ApiError& error) {
        // A refusal must be a client error, never a 5xx.
        if (error.status() < 400 || error.status() >= 500) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    if (pms::api::is_storable_text(input) != reference_storable(input)) {
        std::abort();  // the two UTF-8 checks disagree
    }
    expect_only_api_errors([&] { pms::api::parse_user_body(input); });
    expect_only_api_errors([&] { pms::api::parse_new_product(input); });
    expect_only_api_errors([&] { pms::api::parse_product_update(input); });
    expect_only_api_errors([&] { pms::api::require_json_content_type(input); });

    // The strict parser itself, and its output read back: what it accepts, it writes as JSON
    // it accepts again.
    std::string error;
    if (const auto value = pms::json::parse_strict(input, &error)) {
        const std::string compact = pms::json::compact(*value);
        if (!pms::json::parse_strict(compact, &error)) {
            std::abort();
        }
    }
    return 0;
}
