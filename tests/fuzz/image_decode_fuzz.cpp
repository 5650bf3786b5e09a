/// Source images through the whole path the worker takes: transform() sniffs the format,
/// decode_for() checks the header against the pixel limit and decodes (JPEG with DCT scaling and
/// its Exif orientation, PNG/GIF/WebP through libgd), then the resampler, the orientation and
/// the encoder. The decode options are the defaults (the production limits); the output box is
/// small, so the resampling and encoding stay cheap next to the decoding. The input's length
/// picks the output: baseline JPEG, progressive JPEG or WebP, so each runs on every source
/// format without a selector byte the seed images would need.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/image_transform.hpp"

namespace {

constexpr int kBoxWidth = 64;
constexpr int kBoxHeight = 48;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    pms::worker::TransformOptions options;
    options.max_width = kBoxWidth;
    options.max_height = kBoxHeight;
    switch (size % 3) {
        case 0: options.output.format = pms::worker::OutputFormat::kJpeg; break;
        case 1:
            options.output.format = pms::worker::OutputFormat::kJpeg;
            options.output.progressive = true;
            break;
        default: options.output.format = pms::worker::OutputFormat::kWebp; break;
    }
    try {
        const pms::worker::EncodedImage image =
            pms::worker::transform(std::string(reinterpret_cast<const char*>(data), size), options);
        // Whatever the source claimed, the output fits the box and is not empty.
        if (image.bytes.empty() || image.size.width < 1 || image.size.height < 1 ||
            image.size.width > kBoxWidth || image.size.height > kBoxHeight) {
            std::abort();
        }
    } catch (const pms::worker::Failure&) {
        // The documented refusal: corrupt, truncated, over the limit, or not an image.
    }
    return 0;
}
