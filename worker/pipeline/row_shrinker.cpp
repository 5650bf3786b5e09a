/// Compositing on white and summing blocks of rows, in integers.
#include "worker/pipeline/row_shrinker.hpp"

#include <algorithm>

namespace pms::worker {

namespace {

/// An 8-bit channel of straight-alpha `alpha` composited on white, rounded.
inline uint32_t on_white(uint32_t channel, uint32_t alpha) {
    return (channel * alpha + 255 * (255 - alpha) + 127) / 255;
}

}  // namespace

RowShrinker::RowShrinker(Size source, int fx, int fy)
    : source_(source),
      fx_(fx),
      fy_(fy),
      image_(gd::Image::blank(std::max(1, source.width / fx), std::max(1, source.height / fy))) {
    if (fx_ > 1 || fy_ > 1) {
        sums_.assign(static_cast<size_t>(image_.width()) * 3, 0);
    }
}

int64_t RowShrinker::bytes_for(Size source, int fx, int fy) {
    const int64_t width = std::max(1, source.width / fx);
    const int64_t height = std::max(1, source.height / fy);
    return width * height * 4 + width * 3 * static_cast<int64_t>(sizeof(uint64_t));
}

void RowShrinker::add_row(const unsigned char* rgba) {
    const int y = next_row_++ / fy_;
    if (y >= image_.height()) {
        return;
    }
    const int width = image_.width();
    int* out = image_.row(y);
    if (fx_ == 1 && fy_ == 1) {
        for (int x = 0; x < width; ++x, rgba += 4) {
            const uint32_t a = rgba[3];
            out[x] = a == 255 ? gdTrueColor(rgba[0], rgba[1], rgba[2])
                              : gdTrueColor(on_white(rgba[0], a), on_white(rgba[1], a),
                                            on_white(rgba[2], a));
        }
        return;
    }
    uint64_t* sum = sums_.data();
    for (int x = 0; x < width; ++x, sum += 3) {
        for (int dx = 0; dx < fx_; ++dx, rgba += 4) {
            const uint32_t a = rgba[3];
            if (a == 255) {
                sum[0] += rgba[0];
                sum[1] += rgba[1];
                sum[2] += rgba[2];
            } else {
                sum[0] += on_white(rgba[0], a);
                sum[1] += on_white(rgba[1], a);
                sum[2] += on_white(rgba[2], a);
            }
        }
    }
    if (next_row_ % fy_ != 0) {
        return;
    }
    // The last row of a block: average it into the image and start the next block.
    const uint64_t count = static_cast<uint64_t>(fx_) * static_cast<uint64_t>(fy_);
    sum = sums_.data();
    for (int x = 0; x < width; ++x, sum += 3) {
        out[x] = gdTrueColor(static_cast<int>((sum[0] + count / 2) / count),
                             static_cast<int>((sum[1] + count / 2) / count),
                             static_cast<int>((sum[2] + count / 2) / count));
    }
    std::fill(sums_.begin(), sums_.end(), 0);
}

}  // namespace pms::worker
