#pragma once
/// Safe decoding of source images for a given output box: the header's size is checked against
/// the pixel limit before anything is decoded, JPEGs are shrunk while decoding (libjpeg's DCT
/// scaling) and carry their EXIF orientation, CMYK JPEGs become RGB, and a truncated or corrupt
/// file fails as corrupt (the decoder's own message goes to the log).

#include <cstdint>
#include <string_view>

#include "common/gd_image.hpp"
#include "worker/pipeline/image_geometry.hpp"

namespace pms::worker {

struct DecodeOptions {
    int64_t max_pixels = 50'000'000;  ///< PMS_MAX_PIXELS
};

/// A decoded source, still in its stored orientation.
struct DecodedImage {
    /// The pixels: the stored size, or for a JPEG a DCT-scaled size no smaller than the output.
    gd::Image pixels;
    /// The size the header gives (before any scaling).
    Size stored;
    /// EXIF orientation (1-8) to apply after resampling.
    int orientation = 1;
};

/// Decodes `bytes` (of the sniffed `format`, not kUnknown) for an upright output fitted inside
/// `box`. Throws a permanent Failure for a corrupt or truncated file, or one over the limit.
DecodedImage decode_for(std::string_view bytes, gd::Format format, Size box,
                        const DecodeOptions& options);

}  // namespace pms::worker
