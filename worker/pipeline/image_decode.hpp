#pragma once
/// Safe decoding of source images for a given output box: the header's size is checked against
/// the pixel limit, and the memory the decode will hold is reserved from the worker's budget,
/// before anything is decoded. Every format is shrunk while decoding, so that memory follows the
/// output rather than the source: JPEGs by libjpeg's DCT scaling (and they carry their EXIF
/// orientation, CMYK becomes RGB), PNG rows box-averaged as libpng hands them over, WebP by
/// libwebp's own rescaler, GIF rows box-averaged from libgd's palette image. A truncated or corrupt
/// file fails as corrupt (the decoder's own message goes to the log).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "worker/pipeline/gd_image.hpp"
#include "worker/pipeline/image_geometry.hpp"
#include "worker/pipeline/memory_pool.hpp"

namespace pms::worker {

struct DecodeOptions {
    int64_t max_pixels = 50'000'000;  ///< PMS_MAX_PIXELS
    /// PMS_WORKER_MEMORY_BUDGET: what the worker's jobs may hold at once while decoding and
    /// resizing, in MB (MiB). Estimated from the header, so an image needing more than all of it
    /// fails before it is decoded.
    int64_t memory_budget_mb = 64;
    /// The budget shared by the worker's jobs, of memory_budget_mb; without one (tools, tests), a
    /// decode only checks that it fits.
    std::shared_ptr<MemoryPool> memory;
};

/// A decoded source, still in its stored orientation.
struct DecodedImage {
    /// The pixels, no smaller than twice the output each way when the source is larger (a JPEG's
    /// DCT scale, the box-averaged rows of the others); PNG, GIF and WebP come out opaque,
    /// composited on white.
    gd::Image pixels;
    /// The size the header gives (before any scaling).
    Size stored;
    /// EXIF orientation (1-8) to apply after resampling.
    int orientation = 1;
    /// The budget held for the pixels and what is made from them: keep it until the output is
    /// encoded.
    MemoryPool::Reservation memory;
};

/// Decodes `bytes` (of the sniffed `format`, not kUnknown) for an upright output fitted inside
/// `box`. Throws a permanent Failure for a corrupt or truncated file, one over the pixel limit,
/// or one whose decode needs more memory than the whole budget; waits while other jobs hold the
/// memory it needs.
DecodedImage decode_for(std::string_view bytes, gd::Format format, Size box,
                        const DecodeOptions& options);

/// The bytes decode_for() holds at its peak for the `decoder_bytes` a decoder needs besides its
/// output, a `decoded` image and the `target` it is resampled to, with `input_bytes` of source
/// held meanwhile, reserved from `options.memory`. Throws the permanent Failure "image needs N MB
/// to decode, the budget is M MB" when that is more than `options.memory_budget_mb`; `what` says
/// why in the log.
MemoryPool::Reservation reserve_memory(size_t input_bytes, int64_t decoder_bytes, Size decoded,
                                       Size target, const DecodeOptions& options, gd::Format format,
                                       const std::string& what);

}  // namespace pms::worker
