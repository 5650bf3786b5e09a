/// Fit, orientation, pixel-limit and shrink-on-load arithmetic.
#include "worker/pipeline/image_geometry.hpp"

#include <algorithm>
#include <stdexcept>

#include "worker/pipeline/failure.hpp"

namespace pms::worker {

namespace {

/// round(numerator / denominator) for positive values, halves rounded up, at least 1.
int rounded_ratio(int64_t numerator, int64_t denominator) {
    const int64_t value = (2 * numerator + denominator) / (2 * denominator);
    return static_cast<int>(std::max<int64_t>(value, 1));
}

/// The size libjpeg gives a dimension scaled by n/8: rounded up.
int64_t scaled(int dimension, int n) {
    return (int64_t{dimension} * n + 7) / 8;
}

}  // namespace

std::string Size::to_string() const {
    return std::to_string(width) + "x" + std::to_string(height);
}

Size fit(int width, int height, int max_width, int max_height) {
    if (width <= 0 || height <= 0 || max_width <= 0 || max_height <= 0) {
        throw std::invalid_argument("fit: dimensions must be positive");
    }
    if (width <= max_width && height <= max_height) {
        return {width, height};
    }
    // Compare the ratios without division: width/height >= max_width/max_height means the width
    // is the binding limit.
    const int64_t w = width;
    const int64_t h = height;
    if (w * max_height >= h * max_width) {
        return {max_width, std::min(max_height, rounded_ratio(h * max_width, w))};
    }
    return {std::min(max_width, rounded_ratio(w * max_height, h)), max_height};
}

bool swaps_axes(int exif_orientation) {
    return exif_orientation >= 5 && exif_orientation <= 8;
}

Size oriented(Size size, int exif_orientation) {
    return swaps_axes(exif_orientation) ? Size{size.height, size.width} : size;
}

Size stored_target(Size stored, int exif_orientation, Size box) {
    const Size upright = oriented(stored, exif_orientation);
    // Turning by 90 degrees twice is the identity: oriented() also turns back.
    return oriented(fit(upright.width, upright.height, box.width, box.height), exif_orientation);
}

void check_pixel_limit(Size size, int64_t max_pixels, gd::Format format) {
    if (size.width <= 0 || size.height <= 0) {
        throw permanent_failure(ClientMessage::corrupt_image(format),
                                std::string("corrupt ") + gd::name_of(format) +
                                    " image: it claims " + size.to_string() + " pixels");
    }
    if (size.pixels() > max_pixels) {
        throw permanent_failure(ClientMessage::too_many_pixels(size.width, size.height, max_pixels),
                                "image too large: " + size.to_string() + " pixels is more than " +
                                    std::to_string(max_pixels) + " (PMS_MAX_PIXELS)");
    }
}

int shrink_on_load_scale(Size stored, Size target) {
    for (int n = 1; n < 8; ++n) {
        if (scaled(stored.width, n) >= target.width && scaled(stored.height, n) >= target.height) {
            return n;
        }
    }
    return 8;
}

}  // namespace pms::worker
