/// Fit arithmetic and the decode → resample → encode steps over libgd.
#include "worker/pipeline/image_transform.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "common/gd_image.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {

namespace {

/// round(numerator / denominator) for positive values, halves rounded up, at least 1.
int rounded_ratio(int64_t numerator, int64_t denominator) {
    const int64_t value = (2 * numerator + denominator) / (2 * denominator);
    return static_cast<int>(std::max<int64_t>(value, 1));
}

/// Decodes the source for a `box`-sized result. The seam for shrink-on-load (issue 6): a JPEG
/// decoder that scales by 1/2, 1/4 or 1/8 while decoding (and applies EXIF orientation, checks
/// pixel limits from the header) replaces this full decode without changing transform().
gd::Image decode_for(std::string_view source, const TransformOptions& /*box*/) {
    if (gd::sniff(source) == gd::Format::kUnknown) {
        throw permanent_failure("not an image: the bytes are not JPEG, PNG, GIF or WebP");
    }
    try {
        return gd::Image::decode(source);
    } catch (const gd::Error& error) {
        throw permanent_failure(error.what());  // "cannot decode png image: <libgd's reason>"
    }
}

}  // namespace

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

EncodedImage transform(std::string_view source, const TransformOptions& options) {
    const gd::Image image = decode_for(source, options);
    EncodedImage result;
    result.source_size = {image.width(), image.height()};
    result.size = fit(image.width(), image.height(), options.max_width, options.max_height);
    try {
        // Resampling always, even at the same size, also composites transparency on white.
        const gd::Image output = image.resampled(result.size.width, result.size.height);
        result.bytes = output.encode_jpeg(options.quality);
    } catch (const gd::Error& error) {
        // Decoding succeeded: failing here is memory or libgd, not the input. Retry later.
        throw transient_failure(std::string("cannot encode image: ") + error.what());
    }
    return result;
}

}  // namespace pms::worker
