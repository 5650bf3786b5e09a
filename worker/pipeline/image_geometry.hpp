#pragma once
/// Sizes of images on their way through the pipeline: fitting inside the target box, EXIF
/// orientation swapping width and height, the pixel limit, and the DCT scale of shrink-on-load.

#include <cstdint>
#include <string>

#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {

struct Size {
    int width = 0;
    int height = 0;
    bool operator==(const Size& other) const {
        return width == other.width && height == other.height;
    }
    bool operator!=(const Size& other) const { return !(*this == other); }
    int64_t pixels() const { return int64_t{width} * height; }
    std::string to_string() const;
};

/// The size of a `width` x `height` image fitted inside `max_width` x `max_height`: the aspect
/// ratio kept (rounded to the nearest pixel, never below 1), never upscaled.
/// Throws std::invalid_argument for a non-positive dimension.
Size fit(int width, int height, int max_width, int max_height);

/// Whether an EXIF orientation (1-8) turns the image by 90 degrees (5-8).
bool swaps_axes(int exif_orientation);
/// `size` with width and height exchanged when `exif_orientation` turns the image by 90 degrees.
Size oriented(Size size, int exif_orientation);

/// The size, in the stored orientation, of the upright output: `stored` turned upright as
/// `exif_orientation` says, fitted inside `box`, and turned back.
Size stored_target(Size stored, int exif_orientation, Size box);

/// Throws a permanent Failure, before anything is decoded, when `size` has more than
/// `max_pixels` pixels: a small file can claim a huge image (a decompression bomb).
void check_pixel_limit(Size size, int64_t max_pixels, gd::Format format);

/// The numerator n (1-8) of the smallest DCT scale n/8 at which a JPEG of `stored` pixels still
/// decodes to at least `target` in both directions (libjpeg rounds scaled sizes up); 8 when even
/// full size is not bigger.
int shrink_on_load_scale(Size stored, Size target);

}  // namespace pms::worker
