/// Header parsing of PNG, GIF and WebP (the layouts are in the PNG specification, GIF89a and
/// Google's WebP container and bitstream specifications).
#include "worker/pipeline/image_probe.hpp"

#include <cstdint>

namespace pms::worker {

namespace {

uint32_t byte_at(std::string_view bytes, size_t offset) {
    return static_cast<uint8_t>(bytes[offset]);
}

uint32_t big_endian_32(std::string_view bytes, size_t offset) {
    return byte_at(bytes, offset) << 24U | byte_at(bytes, offset + 1) << 16U |
           byte_at(bytes, offset + 2) << 8U | byte_at(bytes, offset + 3);
}

uint32_t little_endian(std::string_view bytes, size_t offset, size_t length) {
    uint32_t value = 0;
    for (size_t i = length; i > 0; --i) {
        value = value << 8U | byte_at(bytes, offset + i - 1);
    }
    return value;
}

std::optional<Size> size_of(uint32_t width, uint32_t height) {
    // PNG allows up to 2^31 - 1; anything that does not fit an int is a bomb anyway.
    if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX) {
        return std::nullopt;
    }
    return Size{static_cast<int>(width), static_cast<int>(height)};
}

/// Signature (8), then the first chunk, which must be IHDR: length (4), type (4), width (4),
/// height (4), all big-endian.
std::optional<Size> png_size(std::string_view bytes) {
    if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") {
        return std::nullopt;
    }
    return size_of(big_endian_32(bytes, 16), big_endian_32(bytes, 20));
}

/// "GIF89a" (6), then the logical screen: width (2) and height (2), little-endian.
std::optional<Size> gif_size(std::string_view bytes) {
    if (bytes.size() < 10) {
        return std::nullopt;
    }
    return size_of(little_endian(bytes, 6, 2), little_endian(bytes, 8, 2));
}

/// "RIFF" size "WEBP", then the first chunk at 12: type (4), size (4), payload at 20.
std::optional<Size> webp_size(std::string_view bytes) {
    if (bytes.size() < 30) {
        return std::nullopt;
    }
    const std::string_view chunk = bytes.substr(12, 4);
    if (chunk == "VP8X") {
        // Flags (4), then canvas width - 1 and height - 1, 24 bits each.
        return size_of(little_endian(bytes, 24, 3) + 1, little_endian(bytes, 27, 3) + 1);
    }
    if (chunk == "VP8 ") {
        // Frame tag (3), start code 9d 01 2a, then 14-bit width and height (2 scale bits each).
        if (bytes.substr(23, 3) != "\x9d\x01\x2a") {
            return std::nullopt;
        }
        return size_of(little_endian(bytes, 26, 2) & 0x3FFFU,
                       little_endian(bytes, 28, 2) & 0x3FFFU);
    }
    if (chunk == "VP8L") {
        // Signature 0x2f, then width - 1 and height - 1 in 14 bits each.
        if (byte_at(bytes, 20) != 0x2F) {
            return std::nullopt;
        }
        const uint32_t bits = little_endian(bytes, 21, 4);
        return size_of((bits & 0x3FFFU) + 1, ((bits >> 14U) & 0x3FFFU) + 1);
    }
    return std::nullopt;
}

}  // namespace

std::optional<Size> probe_size(std::string_view bytes, gd::Format format) {
    switch (format) {
        case gd::Format::kPng: return png_size(bytes);
        case gd::Format::kGif: return gif_size(bytes);
        case gd::Format::kWebp: return webp_size(bytes);
        case gd::Format::kJpeg:
        case gd::Format::kUnknown: break;
    }
    return std::nullopt;
}

}  // namespace pms::worker
