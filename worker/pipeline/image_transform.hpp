#pragma once
/// From source bytes to the stored image: decode safely (image_decode.hpp), fit inside the
/// target box, turn upright, composite transparency on white, and encode (image_encode.hpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "worker/pipeline/image_decode.hpp"
#include "worker/pipeline/image_encode.hpp"
#include "worker/pipeline/image_geometry.hpp"

namespace pms::worker {

struct TransformOptions {
    int max_width = 800;
    int max_height = 600;
    DecodeOptions decode;
    OutputOptions output;
};

/// The encoded output and what the write-back records about it.
struct EncodedImage {
    std::string bytes;
    Size size;         ///< of the output
    Size source_size;  ///< of the source, upright
    const char* content_type = "image/jpeg";
    const char* extension = "jpg";
};

/// Decodes JPEG, PNG, GIF or WebP (the bytes' signature decides), fits and encodes it.
/// Throws a permanent Failure when the bytes are not an image that can be decoded safely.
/// Takes the source to free it once decoded: with several jobs at once, a download held while
/// its pixels are resampled is memory for nothing.
EncodedImage transform(std::string source, const TransformOptions& options);

}  // namespace pms::worker
