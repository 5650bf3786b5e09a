#pragma once
/// From source bytes to the stored image: decode (by signature), fit inside the target box, and
/// encode as JPEG.

#include <string>
#include <string_view>

namespace pms::worker {

struct Size {
    int width = 0;
    int height = 0;
    bool operator==(const Size& other) const {
        return width == other.width && height == other.height;
    }
};

/// The size of a `width` x `height` image fitted inside `max_width` x `max_height`: the aspect
/// ratio kept (rounded to the nearest pixel, never below 1), never upscaled.
/// Throws std::invalid_argument for a non-positive dimension.
Size fit(int width, int height, int max_width, int max_height);

struct TransformOptions {
    int max_width = 800;
    int max_height = 600;
    int quality = 75;  ///< JPEG quality 1-100
};

/// The encoded output and what the write-back records about it.
struct EncodedImage {
    std::string bytes;
    Size size;
    Size source_size;
    const char* content_type = "image/jpeg";
    const char* extension = "jpg";
};

/// Decodes JPEG, PNG, GIF or WebP (the bytes' signature decides), fits and encodes it.
/// Throws a permanent Failure when the bytes are not an image libgd can decode.
EncodedImage transform(std::string_view source, const TransformOptions& options);

}  // namespace pms::worker
