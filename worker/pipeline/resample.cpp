/// Weights per output column and row, computed once per resize, then two passes that handle the
/// four bytes of a pixel as one vector of four floats (GCC/Clang vector extensions; the byte
/// conversions in SSE2 where there is SSE2, because compilers turn the portable form into four
/// scalar conversions).
#include "worker/pipeline/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace pms::worker {

namespace {

constexpr double kSupport = 3;  ///< Lanczos-3 reaches three source pixels each side
/// Above this factor a box filter first shrinks by a whole number, leaving Lanczos at least this
/// much (libvips's "gap"): the result is the same to the eye, at a fraction of the taps.
constexpr double kGap = 2;

/// The four bytes of a pixel, and four sums of them.
typedef uint8_t Bytes4 __attribute__((vector_size(4)));
typedef int32_t Ints4 __attribute__((vector_size(16)));
typedef float Sums4 __attribute__((vector_size(16)));

inline Sums4 widen(const int* pixel) {
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    const __m128i bytes = _mm_cvtsi32_si128(*pixel);
    return static_cast<Sums4>(
        _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero)));
#else
    Bytes4 bytes;
    std::memcpy(&bytes, pixel, sizeof bytes);
    return __builtin_convertvector(bytes, Sums4);
#endif
}

/// Rounds the sums back to bytes in a pixel, clamped to 0-255 (Lanczos overshoots). The fourth
/// sum, libgd's alpha, is 0 for the opaque images resampled here.
inline int narrow(Sums4 sums) {
    sums += 0.5F;
#ifdef __SSE2__
    // Saturating packs clamp: to 16 bits signed, then to 8 bits unsigned.
    const __m128i ints = _mm_cvttps_epi32(static_cast<__m128>(sums));
    const __m128i words = _mm_packs_epi32(ints, ints);
    return _mm_cvtsi128_si32(_mm_packus_epi16(words, words));
#else
    const Sums4 zero{};
    const Sums4 top{255, 255, 255, 255};
    sums = sums < zero ? zero : sums;
    sums = sums > top ? top : sums;
    const Bytes4 bytes = __builtin_convertvector(__builtin_convertvector(sums, Ints4), Bytes4);
    int pixel = 0;
    std::memcpy(&pixel, &bytes, sizeof pixel);
    return pixel;
#endif
}

/// The source pixels one output pixel reads, and their weights (summing to 1).
struct Taps {
    int first = 0;
    std::vector<float> weights;
};

double sinc(double x) {
    if (x == 0) {
        return 1;
    }
    x *= M_PI;
    return std::sin(x) / x;
}

/// Lanczos-3: sinc windowed by a three times wider sinc.
double lanczos3(double x) {
    x = std::fabs(x);
    return x < kSupport ? sinc(x) * sinc(x / kSupport) : 0;
}

/// For each of `out` pixels along an axis of `in` pixels: the kernel stretched over the
/// footprint (in / out source pixels, so that it also filters out what the output cannot hold),
/// sampled at the source pixels' centres.
std::vector<Taps> taps_for(int in, int out) {
    const double scale = static_cast<double>(in) / out;
    const double stretch = std::max(scale, 1.0);
    const double support = kSupport * stretch;
    std::vector<Taps> result(static_cast<size_t>(out));
    std::vector<double> weights;
    for (int i = 0; i < out; ++i) {
        const double center = (i + 0.5) * scale;
        const int first = std::max(0, static_cast<int>(std::floor(center - support)));
        const int last = std::min(in - 1, static_cast<int>(std::ceil(center + support)));
        weights.clear();
        double total = 0;
        for (int j = first; j <= last; ++j) {
            weights.push_back(lanczos3((j + 0.5 - center) / stretch));
            total += weights.back();
        }
        // Trim the kernel's zeros at both ends, then normalise.
        size_t begin = 0;
        size_t end = weights.size();
        while (begin < end && weights[begin] == 0) {
            ++begin;
        }
        while (end > begin && weights[end - 1] == 0) {
            --end;
        }
        Taps& taps = result[static_cast<size_t>(i)];
        taps.first = first + static_cast<int>(begin);
        for (size_t k = begin; k < end; ++k) {
            taps.weights.push_back(static_cast<float>(weights[k] / total));
        }
    }
    return result;
}

/// Averages blocks of `fx` x `fy` pixels (the last partial blocks dropped, as libvips does).
gd::Image box_shrink(const gd::Image& source, int fx, int fy) {
    const int width = source.width() / fx;
    const int height = source.height() / fy;
    gd::Image result = gd::Image::truecolor(width, height);
    const float scale = 1.0F / static_cast<float>(fx * fy);
    std::vector<Sums4> sums(static_cast<size_t>(width));
    for (int y = 0; y < height; ++y) {
        std::fill(sums.begin(), sums.end(), Sums4{});
        for (int dy = 0; dy < fy; ++dy) {
            const int* in = source.row(y * fy + dy);
            for (int x = 0; x < width; ++x) {
                for (int dx = 0; dx < fx; ++dx) {
                    sums[static_cast<size_t>(x)] += widen(in + x * fx + dx);
                }
            }
        }
        int* out = result.row(y);
        for (int x = 0; x < width; ++x) {
            out[x] = narrow(sums[static_cast<size_t>(x)] * scale);
        }
    }
    return result;
}

/// Horizontally filtered source rows, kept in float (no rounding between the passes) for as long
/// as the vertical taps need them: a ring of as many rows as the widest vertical window, rather
/// than the whole intermediate image.
class FilteredRows {
public:
    FilteredRows(const gd::Image& source, const std::vector<Taps>& columns, size_t window)
        : source_(source), columns_(columns), window_(window), rows_(window * columns.size()) {}

    /// Row `y` of the source filtered to the output width; rows must be asked for in windows
    /// that only move down (as the vertical taps do).
    const Sums4* row(int y) {
        while (next_ <= y) {
            filter(next_++);
        }
        return slot(y);
    }

private:
    Sums4* slot(int y) { return &rows_[static_cast<size_t>(y) % window_ * columns_.size()]; }

    void filter(int y) {
        const int* in = source_.row(y);
        Sums4* out = slot(y);
        for (size_t x = 0; x < columns_.size(); ++x) {
            const Taps& taps = columns_[x];
            const int* p = in + taps.first;
            Sums4 sums{};
            for (const float w : taps.weights) {
                sums += w * widen(p++);
            }
            out[x] = sums;
        }
    }

    const gd::Image& source_;
    const std::vector<Taps>& columns_;
    size_t window_;
    std::vector<Sums4> rows_;
    int next_ = 0;  ///< the next source row to filter
};

gd::Image lanczos(const gd::Image& source, int width, int height) {
    const std::vector<Taps> columns = taps_for(source.width(), width);
    const std::vector<Taps> rows = taps_for(source.height(), height);
    size_t window = 1;
    for (const Taps& taps : rows) {
        window = std::max(window, taps.weights.size());
    }
    FilteredRows filtered(source, columns, window);

    gd::Image result = gd::Image::truecolor(width, height);
    std::vector<Sums4> sums(static_cast<size_t>(width));
    for (int y = 0; y < height; ++y) {
        const Taps& taps = rows[static_cast<size_t>(y)];
        std::fill(sums.begin(), sums.end(), Sums4{});
        for (size_t k = 0; k < taps.weights.size(); ++k) {
            const float w = taps.weights[k];
            const Sums4* in = filtered.row(taps.first + static_cast<int>(k));
            for (size_t x = 0; x < sums.size(); ++x) {
                sums[x] += w * in[x];
            }
        }
        int* out = result.row(y);
        for (int x = 0; x < width; ++x) {
            out[x] = narrow(sums[static_cast<size_t>(x)]);
        }
    }
    return result;
}

}  // namespace

int box_factor(int in, int out) {
    return std::max(1, static_cast<int>(std::floor(static_cast<double>(in) / out / kGap)));
}

gd::Image resample(const gd::Image& source, int width, int height) {
    const int fx = box_factor(source.width(), width);
    const int fy = box_factor(source.height(), height);
    if (fx > 1 || fy > 1) {
        return lanczos(box_shrink(source, fx, fy), width, height);
    }
    return lanczos(source, width, height);
}

}  // namespace pms::worker
