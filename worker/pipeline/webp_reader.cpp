/// libwebp's advanced decoding API with scaling, into memory the caller owns.
#include "worker/pipeline/webp_reader.hpp"

#include <webp/decode.h>

#include <memory>
#include <string>

namespace pms::webp {

namespace {

const char* name_of(VP8StatusCode status) {
    switch (status) {
        case VP8_STATUS_OK: return "ok";
        case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
        case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
        case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
        case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
        case VP8_STATUS_SUSPENDED: return "suspended";
        case VP8_STATUS_USER_ABORT: return "aborted";
        case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data";
    }
    return "unknown status";
}

/// The one choke point: every libwebp call's status goes through here.
void check(VP8StatusCode status, const char* what) {
    if (status != VP8_STATUS_OK) {
        throw Error(std::string(what) + ": " + name_of(status));
    }
}

/// Frees whatever libwebp attached to the output buffer (nothing when the memory is external,
/// but an error halfway may leave internal allocations).
struct FreeOutput {
    void operator()(WebPDecBuffer* buffer) const { WebPFreeDecBuffer(buffer); }
};

}  // namespace

Features features(std::string_view bytes) {
    WebPBitstreamFeatures found;
    check(WebPGetFeatures(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &found),
          "cannot read WebP header");
    Features result;
    result.width = found.width;
    result.height = found.height;
    result.alpha = found.has_alpha != 0;
    result.lossless = found.format == 2;
    result.animated = found.has_animation != 0;
    return result;
}

void decode_scaled(std::string_view bytes, int width, int height, unsigned char* rgba,
                   size_t stride) {
    WebPDecoderConfig config;
    if (WebPInitDecoderConfig(&config) == 0) {
        throw Error("libwebp version mismatch");
    }
    const std::unique_ptr<WebPDecBuffer, FreeOutput> output(&config.output);
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    check(WebPGetFeatures(data, bytes.size(), &config.input), "cannot read WebP header");
    // The rescaler is not free: only when the size changes.
    if (width != config.input.width || height != config.input.height) {
        config.options.use_scaling = 1;
        config.options.scaled_width = width;
        config.options.scaled_height = height;
    }
    config.output.colorspace = MODE_RGBA;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = rgba;
    config.output.u.RGBA.stride = static_cast<int>(stride);
    config.output.u.RGBA.size = stride * static_cast<size_t>(height);
    check(WebPDecode(data, bytes.size(), &config), "cannot decode WebP");
}

}  // namespace pms::webp
