#pragma once
/// Box-averaging of decoded rows as they arrive, so that a decoder holds an image the size of
/// the output (twice it, for Lanczos to finish from) rather than of the source.

#include <cstdint>
#include <vector>

#include "worker/pipeline/gd_image.hpp"
#include "worker/pipeline/image_geometry.hpp"

namespace pms::worker {

/// Takes the rows of a `source`-sized image (8-bit RGBA, straight alpha) top to bottom and
/// averages blocks of `fx` x `fy` of them into an opaque truecolor image of source / factor
/// pixels (the last partial blocks dropped, as resample()'s own box step does). Transparency is
/// composited on white before averaging: compositing is linear, so this equals averaging the
/// premultiplied pixels and compositing afterwards, and the image needs no alpha later on.
class RowShrinker {
public:
    RowShrinker(Size source, int fx, int fy);

    /// The size of the image that comes out.
    Size output() const { return {image_.width(), image_.height()}; }
    /// The bytes it holds at most for a `source` shrunk by `fx` x `fy`: the image and one row of
    /// sums.
    static int64_t bytes_for(Size source, int fx, int fy);

    /// The next source row: `source.width` pixels of R, G, B, A bytes. Rows past the last whole
    /// block are ignored.
    void add_row(const unsigned char* rgba);
    /// The image, once every row was added (rows never added stay white).
    gd::Image take() { return std::move(image_); }

private:
    Size source_;
    int fx_;
    int fy_;
    int next_row_ = 0;
    gd::Image image_;
    std::vector<uint64_t> sums_;  ///< R, G, B per output pixel of the block row being summed
};

}  // namespace pms::worker
