/// JPEG from libgd's pixel rows without a copy; WebP through libgd.
#include "worker/pipeline/image_encode.hpp"

#include <vector>

#include "worker/pipeline/jpeg.hpp"

namespace pms::worker {

std::optional<OutputFormat> parse_output_format(std::string_view text) {
    if (text == "jpeg") {
        return OutputFormat::kJpeg;
    }
    if (text == "webp") {
        return OutputFormat::kWebp;
    }
    return std::nullopt;
}

EncodedBytes encode(const gd::Image& image, const OutputOptions& options) {
    EncodedBytes result;
    if (options.format == OutputFormat::kWebp) {
        result.bytes = image.encode_webp(options.quality);
        result.content_type = "image/webp";
        result.extension = "webp";
        return result;
    }
    // libgd's truecolor rows are the native 0xAARRGGBB words the JPEG encoder reads.
    std::vector<const unsigned char*> rows(static_cast<size_t>(image.height()));
    for (int y = 0; y < image.height(); ++y) {
        rows[static_cast<size_t>(y)] = reinterpret_cast<const unsigned char*>(image.row(y));
    }
    jpeg::EncodeOptions jpeg_options;
    jpeg_options.quality = options.quality;
    jpeg_options.progressive = options.progressive;
    result.bytes = jpeg::encode(image.width(), image.height(), rows.data(), jpeg_options);
    return result;
}

}  // namespace pms::worker
