/// The header probes of PNG, GIF and WebP (the size read before libgd allocates anything), and
/// the signature sniffing that picks the decoder. Every probe runs on every input, whatever its
/// signature: probe_size() must refuse a header of another format by itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "worker/pipeline/gd_image.hpp"
#include "worker/pipeline/image_probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    pms::gd::sniff(bytes);
    for (const auto format : {pms::gd::Format::kPng, pms::gd::Format::kGif, pms::gd::Format::kWebp,
                              pms::gd::Format::kJpeg}) {
        if (const std::optional<pms::worker::Size> probed =
                pms::worker::probe_size(bytes, format)) {
            // A size it returns is what the pixel limit multiplies: never zero or negative.
            if (probed->width <= 0 || probed->height <= 0) {
                std::abort();
            }
        }
    }
    return 0;
}
