/// base64url encoding and strict decoding.
#include "fcgi/auth/base64url.hpp"

#include <array>
#include <cstdint>

namespace pms::api::auth {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decoding_table() {
    std::array<std::uint8_t, 256> table{};
    for (auto& value : table) {
        value = kInvalid;
    }
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return table;
}

constexpr std::array<std::uint8_t, 256> kDecoding = make_decoding_table();

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() * 4 + 2) / 3);
    std::uint32_t bits = 0;
    int pending = 0;  // bits in `bits` not yet written
    for (const char c : bytes) {
        bits = (bits << 8U) | static_cast<unsigned char>(c);
        pending += 8;
        while (pending >= 6) {
            pending -= 6;
            text.push_back(kAlphabet[(bits >> static_cast<unsigned>(pending)) & 0x3FU]);
        }
    }
    if (pending > 0) {
        text.push_back(kAlphabet[(bits << static_cast<unsigned>(6 - pending)) & 0x3FU]);
    }
    return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int pending = 0;
    for (const char c : text) {
        const std::uint8_t value = kDecoding[static_cast<unsigned char>(c)];
        if (value == kInvalid) {
            return std::nullopt;
        }
        bits = (bits << 6U) | value;
        pending += 6;
        if (pending >= 8) {
            pending -= 8;
            bytes.push_back(static_cast<char>((bits >> static_cast<unsigned>(pending)) & 0xFFU));
        }
    }
    // The 2 or 4 bits left over from a short last group must be zero, else another text decodes
    // to the same bytes.
    if ((bits & ((1U << static_cast<unsigned>(pending)) - 1U)) != 0) {
        return std::nullopt;
    }
    return bytes;
}

}  // namespace pms::api::auth
