/// The UTF-8 check of client text.
#include "fcgi/storable_text.hpp"

#include <cstddef>
#include <cstdint>

namespace pms::api {

bool is_storable_text(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == 0) {
            return false;
        }
        if (byte < 0x80) {
            ++i;
            continue;
        }
        // Lead byte: length and the smallest code point that length may encode (no overlongs).
        size_t length = 0;
        uint32_t code = 0;
        uint32_t smallest = 0;
        if ((byte & 0xE0U) == 0xC0U) {
            length = 2, code = byte & 0x1FU, smallest = 0x80;
        } else if ((byte & 0xF0U) == 0xE0U) {
            length = 3, code = byte & 0x0FU, smallest = 0x800;
        } else if ((byte & 0xF8U) == 0xF0U) {
            length = 4, code = byte & 0x07U, smallest = 0x10000;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return false;
            }
            code = (code << 6U) | (next & 0x3FU);
        }
        if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

}  // namespace pms::api
