#pragma once
/// The benchmark's generated corpus: deterministic photo-like pictures (fractal noise landscapes
/// with hard-edged shapes and sensor grain), so every run and every machine measures the same
/// pixels without shipping megabytes of photos.

#include "worker/pipeline/gd_image.hpp"

namespace pms::bench {

/// A `width` x `height` photo-like picture; the same `seed` gives the same pixels.
gd::Image synthetic_photo(int width, int height, unsigned seed);

/// `pms-worker-bench generate WIDTH HEIGHT SEED FILE`: writes a synthetic photo as a camera
/// would (JPEG quality 92), or as PNG when FILE ends in .png. Returns the exit code.
int generate_source(int argc, char** argv);

}  // namespace pms::bench
