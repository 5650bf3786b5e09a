#pragma once
/// The dimensions a PNG, GIF or WebP file claims in its header, read without decoding anything,
/// so that a decompression bomb is refused before libgd allocates its pixels. (JPEG headers are
/// read by libjpeg itself, in image_decode.cpp.)

#include <optional>
#include <string_view>

#include "worker/pipeline/gd_image.hpp"
#include "worker/pipeline/image_geometry.hpp"

namespace pms::worker {

/// The size in the header of a PNG (IHDR), GIF (logical screen: libgd refuses frames outside
/// it) or WebP (VP8, VP8L or VP8X canvas); nothing when the header is missing, truncated or
/// malformed, or for another format.
std::optional<Size> probe_size(std::string_view bytes, gd::Format format);

}  // namespace pms::worker
