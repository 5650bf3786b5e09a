#pragma once
/// Thin wrapper over libwebp's decoder: the features of a WebP held in memory, and its pixels
/// decoded straight to a smaller size (libwebp's own rescaler, an area average as the rows come
/// out of the bitstream) into a buffer the caller owns. One choke point turns libwebp's status
/// codes into exceptions.

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace pms::webp {

/// libwebp refused the data; what() names its status.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Features {
    int width = 0;
    int height = 0;
    bool alpha = false;
    /// VP8L: libwebp decodes the whole image into 4 bytes a pixel before scaling it.
    bool lossless = false;
    bool animated = false;
};

/// Reads the headers; throws Error when they are not a readable WebP.
Features features(std::string_view bytes);

/// Decodes the still image in `bytes` scaled to `width` x `height` as R, G, B, A bytes (straight
/// alpha) into `rgba`, rows `stride` bytes apart. Throws Error on corrupt or truncated data.
void decode_scaled(std::string_view bytes, int width, int height, unsigned char* rgba,
                   size_t stride);

}  // namespace pms::webp
