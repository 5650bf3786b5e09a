/// Value-noise landscapes for the corpus.
#include "bench/worker/corpus.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "worker/pipeline/image_encode.hpp"

namespace pms::bench {

namespace {

uint32_t hash(uint32_t x, uint32_t y, uint32_t seed) {
    uint32_t h = x * 374761393U + y * 668265263U + seed * 2246822519U;
    h = (h ^ (h >> 13U)) * 1274126177U;
    return h ^ (h >> 16U);
}

/// Smoothly interpolated lattice noise in [0, 1) at cell size `cell`.
double value_noise(double x, double y, double cell, uint32_t seed) {
    const double gx = x / cell;
    const double gy = y / cell;
    const auto x0 = static_cast<uint32_t>(gx);
    const auto y0 = static_cast<uint32_t>(gy);
    const double fx = gx - x0;
    const double fy = gy - y0;
    const double sx = fx * fx * (3 - 2 * fx);
    const double sy = fy * fy * (3 - 2 * fy);
    auto at = [&](uint32_t i, uint32_t j) { return (hash(i, j, seed) & 0xFFFFU) / 65536.0; };
    const double top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * sx;
    const double bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * sx;
    return top + (bottom - top) * sy;
}

int clamp_byte(double value) {
    return std::clamp(static_cast<int>(std::lround(value)), 0, 255);
}

struct Disc {
    double x, y, radius;
    int r, g, b;
};

}  // namespace

gd::Image synthetic_photo(int width, int height, unsigned seed) {
    gd::Image image = gd::Image::truecolor(width, height);
    const double scale = std::min(width, height);
    // A few hard-edged objects: edges are where resamplers differ most.
    std::vector<Disc> discs;
    for (uint32_t i = 0; i < 12; ++i) {
        const uint32_t h = hash(i, 99, seed);
        discs.push_back({(h % 1000) / 1000.0 * width, ((h >> 10U) % 1000) / 1000.0 * height,
                         scale * (0.03 + ((h >> 20U) % 100) / 1000.0), static_cast<int>(h % 256),
                         static_cast<int>((h >> 8U) % 256), static_cast<int>((h >> 16U) % 256)});
    }
    for (int y = 0; y < height; ++y) {
        int* row = image.row(y);
        for (int x = 0; x < width; ++x) {
            // Four octaves from a fifth of the picture down to a few pixels: sky, hills, foliage.
            double n = 0;
            double amplitude = 0.5;
            double cell = scale / 5;
            for (int octave = 0; octave < 4; ++octave) {
                n += amplitude * value_noise(x, y, cell, seed + static_cast<unsigned>(octave));
                amplitude *= 0.5;
                cell /= 5;
            }
            const double t = static_cast<double>(y) / height;
            double r = 70 + 150 * n * (1 - t) + 40 * t;
            double g = 90 + 120 * n + 30 * (1 - t);
            double b = 150 * (1 - t) + 80 * n;
            for (const Disc& disc : discs) {
                const double dx = x - disc.x;
                const double dy = y - disc.y;
                if (dx * dx + dy * dy < disc.radius * disc.radius) {
                    r = disc.r + 30 * n;
                    g = disc.g + 30 * n;
                    b = disc.b + 30 * n;
                }
            }
            const int grain =
                static_cast<int>(
                    hash(static_cast<uint32_t>(x), static_cast<uint32_t>(y), seed + 7) % 13) -
                6;
            row[x] =
                gdTrueColor(clamp_byte(r + grain), clamp_byte(g + grain), clamp_byte(b + grain));
        }
    }
    return image;
}

int generate_source(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: generate WIDTH HEIGHT SEED FILE\n";
        return 2;
    }
    const std::string path = argv[3];
    const gd::Image image = synthetic_photo(std::stoi(argv[0]), std::stoi(argv[1]),
                                            static_cast<unsigned>(std::stoul(argv[2])));
    worker::OutputOptions camera;
    camera.quality = 92;
    const bool png = path.size() > 4 && path.compare(path.size() - 4, 4, ".png") == 0;
    const std::string bytes = png ? image.encode_png() : worker::encode(image, camera).bytes;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return out ? 0 : 1;
}

}  // namespace pms::bench
