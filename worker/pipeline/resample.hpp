#pragma once
/// Downscaling of opaque truecolor images with a Lanczos-3 filter (the kernel libvips reduces
/// with) stretched over each output pixel's footprint, separable, in single-precision floats.
///
/// Why not gdImageCopyResampled: it averages the footprint (a box filter) with a function call
/// per source pixel; on the 1000x750 that a 12 MP JPEG shrinks to while decoding it took 18 ms
/// and landed 0.24 dB below vipsthumbnail, where this takes 8 ms and lands within 0.1 dB
/// (bench/worker/README.md).

#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {

/// The whole-number factor a dimension of `in` pixels is box-averaged by on its way to `out`:
/// the largest that still leaves Lanczos at least twice the output (the decoders shrink rows by
/// it as they arrive, so that resample() is left with the Lanczos step only).
int box_factor(int in, int out);

/// `source` (opaque truecolor) resampled to `width` x `height` (not larger than the source).
gd::Image resample(const gd::Image& source, int width, int height);

}  // namespace pms::worker
