#pragma once
/// The stored image's encoding: JPEG (baseline or progressive, through libjpeg) or WebP (through
/// libgd), with no metadata at all: nothing of the source's Exif (GPS, camera) survives.

#include <optional>
#include <string>
#include <string_view>

#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {

enum class OutputFormat { kJpeg, kWebp };

/// "jpeg" or "webp" (PMS_IMAGE_FORMAT); nothing for another word.
std::optional<OutputFormat> parse_output_format(std::string_view text);

struct OutputOptions {
    OutputFormat format = OutputFormat::kJpeg;
    int quality = 75;          ///< 1-100
    bool progressive = false;  ///< JPEG only
};

struct EncodedBytes {
    std::string bytes;
    const char* content_type = "image/jpeg";
    const char* extension = "jpg";
};

/// Encodes an opaque truecolor image. Throws gd::Error or jpeg::Error when the library refuses
/// (out of memory: the input was decoded already).
EncodedBytes encode(const gd::Image& image, const OutputOptions& options);

}  // namespace pms::worker
