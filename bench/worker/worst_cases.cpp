/// Worst-case inputs written straight with libpng, libjpeg, libwebp and libgd, row by row where
/// the format allows, so that making them needs no more memory than the pixels of one format's
/// encoder.
#include "bench/worker/worst_cases.hpp"

#include <gd.h>
#include <jpeglib.h>
#include <png.h>
#include <sys/stat.h>
#include <webp/encode.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "bench/worker/corpus.hpp"

namespace pms::bench {

namespace {

constexpr int kSide = 7000;  // 7000 x 7000 = 49,000,000 pixels, under PMS_MAX_PIXELS
// WebP's sides stop at 16383: 16383 x 3051 = 49,984,533 pixels.
constexpr int kWebpWidth = 16383;
constexpr int kWebpHeight = 3051;
// 8660 x 5773 = 49,994,180 pixels.
constexpr int kJpegWidth = 8660;
constexpr int kJpegHeight = 5773;

bool exists(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

void write_bytes(const std::string& path, const void* data, size_t size) {
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

/// One row of a horizontal gradient (red up, blue down, alpha from opaque to half), the same for
/// every row: with the Up filter every row after the first is zeros, which deflate squeezes about
/// 1000 to 1.
std::vector<unsigned char> gradient_row(int width, int bit_depth) {
    const int channels = 4;
    const int bytes = bit_depth / 8;
    std::vector<unsigned char> row(static_cast<size_t>(width) * channels * bytes);
    const int top = (1 << bit_depth) - 1;
    for (int x = 0; x < width; ++x) {
        const double t = static_cast<double>(x) / (width - 1);
        const int values[channels] = {static_cast<int>(t * top), top * 3 / 8,
                                      static_cast<int>((1 - t) * top),
                                      static_cast<int>((1 - t / 2) * top)};
        for (int c = 0; c < channels; ++c) {
            unsigned char* p = &row[(static_cast<size_t>(x) * channels + c) * bytes];
            if (bytes == 2) {  // PNG's samples are big-endian
                p[0] = static_cast<unsigned char>(values[c] >> 8);
                p[1] = static_cast<unsigned char>(values[c] & 0xFF);
            } else {
                p[0] = static_cast<unsigned char>(values[c]);
            }
        }
    }
    return row;
}

/// An RGBA PNG of `width` x `height` identical gradient rows; false when libpng failed (no C++
/// object lives across its longjmp).
bool write_png_rows(FILE* file, int width, int height, int bit_depth, bool interlaced,
                    const unsigned char* row) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
    if (info == nullptr) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                 bit_depth, PNG_COLOR_TYPE_RGBA,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, 9);
    png_set_compression_mem_level(png, 9);
    png_write_info(png, info);
    // With interlace handling libpng takes every full row once per pass and keeps the pixels of
    // that pass: no whole-image buffer on this side either.
    const int passes = interlaced ? png_set_interlace_handling(png) : 1;
    for (int pass = 0; pass < passes; ++pass) {
        for (int y = 0; y < height; ++y) {
            png_write_row(png, row);
        }
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

void write_png(const std::string& path, int width, int height, int bit_depth, bool interlaced) {
    const std::vector<unsigned char> row = gradient_row(width, bit_depth);
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw std::runtime_error("cannot write " + path);
    }
    const bool ok = write_png_rows(file, width, height, bit_depth, interlaced, row.data());
    if (std::fclose(file) != 0 || !ok) {
        throw std::runtime_error("libpng could not write " + path);
    }
}

/// A smooth colour field: a few bytes per 8x8 block after the DCT, whatever the scan script.
void jpeg_row(int y, int width, int height, unsigned char* row) {
    for (int x = 0; x < width; ++x) {
        const double wave = std::sin(x / 700.0) * std::cos(y / 900.0);
        row[3 * x] = static_cast<unsigned char>(128 + 100 * wave);
        row[3 * x + 1] = static_cast<unsigned char>(x * 255L / width);
        row[3 * x + 2] = static_cast<unsigned char>(y * 255L / height);
    }
}

/// The scan script: DC in two passes (successive approximation), then every one of the 63 AC
/// coefficients of every component in a scan of its own, first its high bits, then a refinement
/// scan for its last bit: 2 + 3 x 63 x 2 = 380 scans, under the worker's limit of 500 (a file
/// with more is refused before any memory is spent), each one a pass over the whole image.
std::vector<jpeg_scan_info> many_scans() {
    std::vector<jpeg_scan_info> scans;
    jpeg_scan_info dc{};
    dc.comps_in_scan = 3;
    dc.component_index[0] = 0;
    dc.component_index[1] = 1;
    dc.component_index[2] = 2;
    dc.Ss = 0;
    dc.Se = 0;
    dc.Ah = 0;
    dc.Al = 1;
    scans.push_back(dc);
    dc.Ah = 1;
    dc.Al = 0;
    scans.push_back(dc);
    for (int pass = 0; pass < 2; ++pass) {
        for (int component = 0; component < 3; ++component) {
            for (int k = 1; k < 64; ++k) {
                jpeg_scan_info ac{};
                ac.comps_in_scan = 1;
                ac.component_index[0] = component;
                ac.Ss = k;
                ac.Se = k;
                ac.Ah = pass == 0 ? 0 : 1;
                ac.Al = pass == 0 ? 1 : 0;
                scans.push_back(ac);
            }
        }
    }
    return scans;
}

/// A progressive JPEG: `worst` is 4:4:4 with many_scans() (the largest coefficient buffer a
/// decoder of a progressive file must keep: 3 components x 64 coefficients x 2 bytes per 8x8
/// block, 6 bytes per pixel); otherwise 4:2:0 with libjpeg's own 10-scan script, as web tools save
/// photos (3 bytes per pixel).
void write_progressive_jpeg(const std::string& path, int width, int height, bool worst) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw std::runtime_error("cannot write " + path);
    }
    // libjpeg's default error handler prints and exits: fine for a generator.
    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = static_cast<JDIMENSION>(width);
    info.image_height = static_cast<JDIMENSION>(height);
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 90, TRUE);
    const std::vector<jpeg_scan_info> scans = many_scans();
    if (worst) {
        for (int c = 0; c < 3; ++c) {
            info.comp_info[c].h_samp_factor = 1;
            info.comp_info[c].v_samp_factor = 1;
        }
        info.scan_info = scans.data();
        info.num_scans = static_cast<int>(scans.size());
    } else {
        jpeg_simple_progression(&info);
    }
    jpeg_start_compress(&info, TRUE);
    std::vector<unsigned char> row(static_cast<size_t>(width) * 3);
    JSAMPROW rows[1] = {row.data()};
    while (info.next_scanline < info.image_height) {
        jpeg_row(static_cast<int>(info.next_scanline), width, height, row.data());
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    if (std::fclose(file) != 0) {
        throw std::runtime_error("cannot write " + path);
    }
}

/// A 16383 x 3051 RGBA WebP of gradient rows, lossless (VP8L: its decoder keeps the whole
/// image as 32-bit pixels, however it is scaled) or lossy with an alpha plane.
void write_webp(const std::string& path, bool lossless) {
    const std::vector<unsigned char> row = gradient_row(kWebpWidth, 8);
    std::vector<unsigned char> rgba(row.size() * kWebpHeight);
    for (int y = 0; y < kWebpHeight; ++y) {
        std::memcpy(&rgba[row.size() * static_cast<size_t>(y)], row.data(), row.size());
    }
    WebPConfig config;
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, lossless ? 0.0F : 75.0F)) {
        throw std::runtime_error("libwebp: bad version");
    }
    config.lossless = lossless ? 1 : 0;
    // Lossy: the fastest method, the file is small anyway. Lossless: method 0 keeps no
    // predictor and writes 6 MB; with method 3 the Up predictor makes every row after the first
    // zeros, a few KB.
    config.method = lossless ? 3 : 0;
    WebPPicture picture;
    WebPPictureInit(&picture);
    picture.use_argb = lossless ? 1 : 0;
    picture.width = kWebpWidth;
    picture.height = kWebpHeight;
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    const bool ok = WebPPictureImportRGBA(&picture, rgba.data(), static_cast<int>(row.size())) &&
                    WebPEncode(&config, &picture);
    const int error = picture.error_code;
    WebPPictureFree(&picture);
    if (ok) {
        write_bytes(path, writer.mem, writer.size);
    }
    WebPMemoryWriterClear(&writer);
    if (!ok) {
        throw std::runtime_error("libwebp could not encode " + path + " (error " +
                                 std::to_string(error) + ")");
    }
}

/// A palette GIF through libgd, `width` x `height`: a flat field with a few rectangles.
std::string gif_bytes(int width, int height) {
    gdImagePtr image = gdImageCreate(width, height);
    if (image == nullptr) {
        throw std::runtime_error("gdImageCreate failed");
    }
    gdImageColorAllocate(image, 40, 120, 200);  // index 0: the background
    const int accent = gdImageColorAllocate(image, 230, 180, 40);
    for (int i = 1; i < 4; ++i) {
        gdImageFilledRectangle(image, width * i / 5, height * i / 5, width * i / 5 + width / 10,
                               height * i / 5 + height / 10, accent);
    }
    int size = 0;
    void* data = gdImageGifPtr(image, &size);
    gdImageDestroy(image);
    if (data == nullptr) {
        throw std::runtime_error("gdImageGifPtr failed");
    }
    std::string bytes(static_cast<const char*>(data), static_cast<size_t>(size));
    gdFree(data);
    return bytes;
}

/// A 64 x 64 frame on a 7000 x 7000 logical screen: a few hundred bytes that declare 49 MP.
void write_gif_screen(const std::string& path) {
    std::string bytes = gif_bytes(64, 64);
    if (bytes.size() < 13 || bytes.compare(0, 4, "GIF8") != 0) {
        throw std::runtime_error("libgd wrote no GIF");
    }
    // The logical screen descriptor follows the 6-byte signature: width, height (16 bits, LE).
    bytes[6] = static_cast<char>(kSide & 0xFF);
    bytes[7] = static_cast<char>(kSide >> 8);
    bytes[8] = static_cast<char>(kSide & 0xFF);
    bytes[9] = static_cast<char>(kSide >> 8);
    write_bytes(path, bytes.data(), bytes.size());
}

void write_gif_full(const std::string& path) {
    const std::string bytes = gif_bytes(kSide, kSide);
    write_bytes(path, bytes.data(), bytes.size());
}

/// The ordinary photo: `pms-worker-bench generate`'s 12 MP camera JPEG (quality 92, 4:2:0).
void write_baseline(const std::string& path) {
    std::vector<std::string> args = {"4000", "3000", "1", path};
    std::vector<char*> argv;
    argv.reserve(args.size());
    for (std::string& arg : args) {
        argv.push_back(arg.data());
    }
    if (generate_source(static_cast<int>(argv.size()), argv.data()) != 0) {
        throw std::runtime_error("cannot write " + path);
    }
}

}  // namespace

std::vector<WorstCase> worst_cases() {
    return {
        {"jpeg-12mp-photo", "jpg", 4000, 3000,
         "a 12 MP camera photo, baseline JPEG, quality 92, 4:2:0", true, write_baseline},
        {"png-rgba-49mp", "png", kSide, kSide,
         "7000x7000 RGBA 8-bit PNG, one gradient row repeated (Up filter, deflate 9)", false,
         [](const std::string& path) { write_png(path, kSide, kSide, 8, false); }},
        {"jpeg-progressive-50mp", "jpg", kJpegWidth, kJpegHeight,
         "8660x5773 progressive JPEG, 4:4:4, quality 90, 380 scans (every AC coefficient of "
         "every component alone, then refined)",
         false,
         [](const std::string& path) {
             write_progressive_jpeg(path, kJpegWidth, kJpegHeight, true);
         }},
        {"jpeg-progressive-12mp", "jpg", 4000, 3000,
         "a 12 MP photo saved progressive as web tools do: 4:2:0, quality 90, libjpeg's 10-scan "
         "script (about 45 MB to decode: two take turns in the default budget)",
         false, [](const std::string& path) { write_progressive_jpeg(path, 4000, 3000, false); }},
        {"png-rgba16-49mp", "png", kSide, kSide,
         "7000x7000 RGBA 16-bit PNG, one gradient row repeated", false,
         [](const std::string& path) { write_png(path, kSide, kSide, 16, false); }},
        {"webp-lossless-50mp", "webp", kWebpWidth, kWebpHeight,
         "16383x3051 lossless WebP (VP8L) with alpha, gradient rows", false,
         [](const std::string& path) { write_webp(path, true); }},
        {"webp-lossy-50mp", "webp", kWebpWidth, kWebpHeight,
         "16383x3051 lossy WebP (VP8 + ALPH), quality 75, gradient rows", false,
         [](const std::string& path) { write_webp(path, false); }},
        {"png-interlaced-49mp", "png", kSide, kSide,
         "7000x7000 RGBA 8-bit Adam7-interlaced PNG, one gradient row repeated", false,
         [](const std::string& path) { write_png(path, kSide, kSide, 8, true); }},
        {"gif-screen-49mp", "gif", kSide, kSide,
         "GIF whose logical screen is 7000x7000, with one 64x64 frame", false, write_gif_screen},
        {"gif-frame-49mp", "gif", kSide, kSide,
         "GIF with a 7000x7000 frame filling its 7000x7000 logical screen (flat colour, LZW)",
         false, write_gif_full},
    };
}

std::vector<std::string> ensure_worst_cases(const std::vector<WorstCase>& cases,
                                            const std::string& dir) {
    mkdir(dir.c_str(), 0755);
    std::vector<std::string> paths;
    for (const WorstCase& c : cases) {
        const std::string path = dir + "/" + c.file_name();
        if (!exists(path)) {
            std::cerr << "pms-worker-bench: generating " << path << "\n";
            const auto start = std::chrono::steady_clock::now();
            const std::string temporary = path + ".part";
            c.write(temporary);
            if (std::rename(temporary.c_str(), path.c_str()) != 0) {
                throw std::runtime_error("cannot rename " + temporary);
            }
            std::cerr
                << "pms-worker-bench: " << path << " in "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                << " s\n";
        }
        paths.push_back(path);
    }
    return paths;
}

int generate_worst_cases(int argc, char** argv) {
    if (argc != 1) {
        std::cerr << "usage: worst-cases DIR\n";
        return 2;
    }
    for (const std::string& path : ensure_worst_cases(worst_cases(), argv[0])) {
        std::cout << path << "\n";
    }
    return 0;
}

}  // namespace pms::bench
