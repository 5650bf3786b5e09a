/// Mean squared error over every channel of every pixel.
#include "bench/worker/psnr.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "bench/worker/paths.hpp"
#include "bench/worker/process.hpp"

namespace pms::bench {

double psnr(const gd::Image& image, const gd::Image& reference) {
    if (image.width() != reference.width() || image.height() != reference.height()) {
        throw std::invalid_argument("psnr: the images differ in size");
    }
    double sum = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const int a = image.pixel(x, y);
            const int b = reference.pixel(x, y);
            for (const int shift : {16, 8, 0}) {
                const int d = ((a >> shift) & 0xFF) - ((b >> shift) & 0xFF);
                sum += d * d;
            }
        }
    }
    const double mse = sum / (3.0 * image.width() * image.height());
    return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

int measure_psnr(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: psnr SOURCE OUTPUT REFDIR\n";
        return 2;
    }
    const std::string source = argv[0];
    const gd::Image output = gd::Image::decode(read_file(argv[1]));
    const std::string size = std::to_string(output.width()) + "x" + std::to_string(output.height());
    const std::string reference = std::string(argv[2]) + "/" + stem(source) + "-" + size + ".png";
    if (access(reference.c_str(), R_OK) != 0) {
        run(Command{{"convert", source, "-filter", "Lanczos", "-resize", size + "!", reference},
                    {}});
    }
    std::printf("%.4f\n", psnr(output, gd::Image::decode(read_file(reference))));
    return 0;
}

}  // namespace pms::bench
