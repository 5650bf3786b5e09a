/// The decode → resample → orient → encode steps.
#include "worker/pipeline/image_transform.hpp"

#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/jpeg.hpp"
#include "worker/pipeline/resample.hpp"

namespace pms::worker {

EncodedImage transform(std::string source, const TransformOptions& options) {
    const gd::Format format = gd::sniff(source);
    if (format == gd::Format::kUnknown) {
        throw permanent_failure(ClientMessage::not_an_image());
    }
    const Size box{options.max_width, options.max_height};
    DecodedImage decoded = decode_for(source, format, box, options.decode);
    std::string().swap(source);

    EncodedImage result;
    result.source_size = oriented(decoded.stored, decoded.orientation);
    const Size target = stored_target(decoded.stored, decoded.orientation, box);
    result.size = oriented(target, decoded.orientation);
    try {
        gd::Image output = std::move(decoded.pixels);
        // Blending at full size is exact (blending is linear, like the filter) and keeps the
        // resampler to opaque pixels.
        output.flatten_on_white();
        if (Size{output.width(), output.height()} != target) {
            output = resample(output, target.width, target.height);
        }
        // Turning the small image upright is cheaper than turning the large one.
        if (decoded.orientation != 1) {
            output = output.oriented(decoded.orientation);
        }
        EncodedBytes encoded = encode(output, options.output);
        result.bytes = std::move(encoded.bytes);
        result.content_type = encoded.content_type;
        result.extension = encoded.extension;
    } catch (const gd::Error& error) {
        // Decoding succeeded: failing here is memory or a library, not the input. Retry later.
        throw transient_failure(ClientMessage::cannot_encode(),
                                std::string("cannot encode image: ") + error.what());
    } catch (const jpeg::Error& error) {
        throw transient_failure(ClientMessage::cannot_encode(),
                                std::string("cannot encode image: ") + error.what());
    }
    return result;
}

}  // namespace pms::worker
