#pragma once
/// Peak signal-to-noise ratio of an output against a reference of the same size, over R, G and B.

#include "worker/pipeline/gd_image.hpp"

namespace pms::bench {

/// 10·log10(255² / MSE) in dB; throws std::invalid_argument when the sizes differ.
double psnr(const gd::Image& image, const gd::Image& reference);

/// `pms-worker-bench psnr SOURCE OUTPUT REFDIR`: prints OUTPUT's PSNR against ImageMagick's
/// Lanczos resize of SOURCE's full-resolution decode to OUTPUT's size (made once into REFDIR).
/// Returns the exit code.
int measure_psnr(int argc, char** argv);

}  // namespace pms::bench
