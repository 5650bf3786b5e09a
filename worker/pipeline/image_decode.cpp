/// JPEG through libjpeg with DCT scaling, PNG through libpng a row at a time, WebP through
/// libwebp's scaled decode, GIF through libgd; each charged to the memory budget from its header.
#include "worker/pipeline/image_decode.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "worker/pipeline/exif.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/image_probe.hpp"
#include "worker/pipeline/jpeg.hpp"
#include "worker/pipeline/png_reader.hpp"
#include "worker/pipeline/resample.hpp"
#include "worker/pipeline/row_shrinker.hpp"
#include "worker/pipeline/webp_reader.hpp"

namespace pms::worker {

namespace {

constexpr int64_t kMiB = 1024 * 1024;

/// libgd's alpha byte: 0 is opaque. libjpeg leaves the fourth byte undefined.
constexpr uint32_t kColourBits = 0x00FFFFFFU;

unsigned char* bytes_of(int* row) {
    return reinterpret_cast<unsigned char*>(row);
}

/// Decodes colour or greyscale rows straight into the image's rows, a batch at a time.
void read_colour(jpeg::Decoder& decoder, gd::Image& image) {
    constexpr int kBatch = 16;
    std::array<unsigned char*, kBatch> rows{};
    const int width = image.width();
    int y = 0;
    while (y < image.height()) {
        const int count = std::min(kBatch, image.height() - y);
        for (int i = 0; i < count; ++i) {
            rows[static_cast<size_t>(i)] = bytes_of(image.row(y + i));
        }
        const int read = decoder.read_rows(rows.data(), count);
        if (read <= 0) {
            throw jpeg::Error("no more rows");
        }
        for (int i = 0; i < read; ++i) {
            int* row = image.row(y + i);
            for (int x = 0; x < width; ++x) {
                row[x] = static_cast<int>(static_cast<uint32_t>(row[x]) & kColourBits);
            }
        }
        y += read;
    }
}

/// CMYK (or YCCK, which libjpeg turns into CMYK) to RGB without a colour profile: the naive
/// formula libgd and browsers without colour management use. Adobe's files store inverted
/// values (255 = no ink).
void read_cmyk(jpeg::Decoder& decoder, gd::Image& image, bool inverted) {
    const int width = image.width();
    std::vector<unsigned char> buffer(static_cast<size_t>(width) * jpeg::kBytesPerPixel);
    unsigned char* rows[1] = {buffer.data()};
    for (int y = 0; y < image.height(); ++y) {
        if (decoder.read_rows(rows, 1) != 1) {
            throw jpeg::Error("no more rows");
        }
        int* out = image.row(y);
        for (int x = 0; x < width; ++x) {
            const unsigned char* p = &buffer[static_cast<size_t>(x) * jpeg::kBytesPerPixel];
            // With ink amounts c, m, y, k in 0-255: red = (255 - c) * (255 - k) / 255.
            const int c = inverted ? p[0] : 255 - p[0];
            const int m = inverted ? p[1] : 255 - p[1];
            const int yellow = inverted ? p[2] : 255 - p[2];
            const int k = inverted ? p[3] : 255 - p[3];
            out[x] = gdTrueColor(c * k / 255, m * k / 255, yellow * k / 255);
        }
    }
}

/// What libjpeg holds besides the output rows: the whole image's coefficients when it needs
/// every scan first, else a few block rows per component at the stored width; its tables and
/// the saved Exif marker.
int64_t jpeg_decoder_bytes(const jpeg::Header& header) {
    constexpr int64_t kFixed = 256 * 1024;
    return header.coefficient_bytes + int64_t{header.width} * header.components * 48 + kFixed;
}

/// libjpeg's size at scale n/8: rounded up.
Size jpeg_scaled(Size stored, int n) {
    return {static_cast<int>((int64_t{stored.width} * n + 7) / 8),
            static_cast<int>((int64_t{stored.height} * n + 7) / 8)};
}

DecodedImage decode_jpeg(std::string_view bytes, Size box, const DecodeOptions& options) {
    try {
        jpeg::Decoder decoder(bytes);
        const jpeg::Header& header = decoder.header();
        const Size stored{header.width, header.height};
        check_pixel_limit(stored, options.max_pixels, gd::Format::kJpeg);
        const int orientation = exif_orientation(header.exif);
        const Size target = stored_target(stored, orientation, box);
        const int scale = shrink_on_load_scale(stored, target);
        auto memory = reserve_memory(bytes.size(), jpeg_decoder_bytes(header),
                                     jpeg_scaled(stored, scale), target, options, gd::Format::kJpeg,
                                     header.coefficient_bytes > 0
                                         ? "progressive or multi-scan: libjpeg holds " +
                                               std::to_string(header.coefficient_bytes) +
                                               " bytes of coefficients"
                                         : "baseline");
        decoder.start(scale);
        gd::Image pixels = gd::Image::truecolor(decoder.output_width(), decoder.output_height());
        if (header.cmyk) {
            read_cmyk(decoder, pixels, header.inverted_cmyk);
        } else {
            read_colour(decoder, pixels);
        }
        decoder.finish();
        return DecodedImage{std::move(pixels), stored, orientation, std::move(memory)};
    } catch (const jpeg::Error& error) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kJpeg),
                                std::string("corrupt jpeg image: ") + error.what());
    }
}

/// The whole-number factors the rows of a `stored` image are averaged by on their way to the
/// `target`: resample()'s own box step, done while decoding.
struct Shrink {
    int fx = 1;
    int fy = 1;
};

Shrink shrink_for(Size stored, Size target) {
    return {box_factor(stored.width, target.width), box_factor(stored.height, target.height)};
}

Size shrunk(Size stored, Shrink shrink) {
    return {std::max(1, stored.width / shrink.fx), std::max(1, stored.height / shrink.fy)};
}

DecodedImage decode_png(std::string_view bytes, Size box, const DecodeOptions& options) {
    const std::optional<Size> size = probe_size(bytes, gd::Format::kPng);
    if (!size) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kPng),
                                "cannot decode png image: no valid header");
    }
    check_pixel_limit(*size, options.max_pixels, gd::Format::kPng);
    try {
        png::Reader reader(bytes);
        const png::Header& header = reader.header();
        const Size stored{header.width, header.height};
        const Size target = stored_target(stored, 1, box);
        const Shrink shrink = shrink_for(stored, target);
        const int64_t row_bytes = int64_t{stored.width} * png::kBytesPerPixel;
        // Adam7 sends the image in 7 passes, each over the whole of it: the rows are merged in a
        // full-size buffer, charged here, before any can be averaged.
        const int64_t rows_bytes = header.interlaced ? row_bytes * stored.height : row_bytes;
        auto memory =
            reserve_memory(bytes.size(),
                           png::Reader::working_bytes(header) + rows_bytes +
                               RowShrinker::bytes_for(stored, shrink.fx, shrink.fy),
                           shrunk(stored, shrink), target, options, gd::Format::kPng,
                           header.interlaced ? "interlaced: the whole image is held" : "rows");
        RowShrinker shrinker(stored, shrink.fx, shrink.fy);
        std::vector<unsigned char> rows(static_cast<size_t>(rows_bytes));
        if (header.interlaced) {
            for (int call = 0; call < reader.row_calls(); ++call) {
                reader.read_row(&rows[static_cast<size_t>(call % stored.height * row_bytes)]);
            }
            for (int y = 0; y < stored.height; ++y) {
                shrinker.add_row(&rows[static_cast<size_t>(y * row_bytes)]);
            }
        } else {
            for (int y = 0; y < stored.height; ++y) {
                reader.read_row(rows.data());
                shrinker.add_row(rows.data());
            }
        }
        reader.finish();
        return DecodedImage{shrinker.take(), stored, 1, std::move(memory)};
    } catch (const png::Error& error) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kPng),
                                std::string("cannot decode png image: ") + error.what());
    }
}

/// What libwebp holds besides its output: a lossless image is decoded whole (4 bytes a pixel)
/// before it is scaled, and a lossy one's alpha plane too (its plane and the lossless decoder's
/// buffer, a byte each); lossy colour is decoded a macroblock row at a time.
int64_t webp_decoder_bytes(const webp::Features& features) {
    constexpr int64_t kFixed = 1024 * 1024;
    const int64_t pixels = int64_t{features.width} * features.height;
    int64_t bytes = int64_t{features.width} * 96 + kFixed;
    if (features.lossless) {
        bytes += pixels * 4;
    } else if (features.alpha) {
        bytes += pixels * 2;
    }
    return bytes;
}

DecodedImage decode_webp(std::string_view bytes, Size box, const DecodeOptions& options) {
    try {
        const webp::Features features = webp::features(bytes);
        if (features.animated) {
            throw webp::Error("animated WebP is not supported");
        }
        const Size stored{features.width, features.height};
        check_pixel_limit(stored, options.max_pixels, gd::Format::kWebp);
        const Size target = stored_target(stored, 1, box);
        const Size scaled = shrunk(stored, shrink_for(stored, target));
        const int64_t row_bytes = int64_t{scaled.width} * 4;
        // libwebp writes into a buffer of the scaled size, copied into the image afterwards.
        auto memory =
            reserve_memory(bytes.size(), webp_decoder_bytes(features) + row_bytes * scaled.height,
                           scaled, target, options, gd::Format::kWebp,
                           features.lossless ? "lossless: the whole image is held" : "lossy");
        std::vector<unsigned char> rgba(static_cast<size_t>(row_bytes * scaled.height));
        webp::decode_scaled(bytes, scaled.width, scaled.height, rgba.data(),
                            static_cast<size_t>(row_bytes));
        RowShrinker converter(scaled, 1, 1);
        for (int y = 0; y < scaled.height; ++y) {
            converter.add_row(&rgba[static_cast<size_t>(y * row_bytes)]);
        }
        return DecodedImage{converter.take(), stored, 1, std::move(memory)};
    } catch (const webp::Error& error) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kWebp),
                                std::string("cannot decode webp image: ") + error.what());
    }
}

/// libgd decodes the first frame into a palette image (a byte a pixel) no larger than the
/// logical screen, which is all the header tells: charged at that size.
DecodedImage decode_gif(std::string_view bytes, Size box, const DecodeOptions& options) {
    const std::optional<Size> screen = probe_size(bytes, gd::Format::kGif);
    if (!screen) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kGif),
                                "corrupt gif image: no valid header");
    }
    check_pixel_limit(*screen, options.max_pixels, gd::Format::kGif);
    const Size target = stored_target(*screen, 1, box);
    const Shrink shrink = shrink_for(*screen, target);
    constexpr int64_t kLzwTables = 64 * 1024;
    auto memory = reserve_memory(bytes.size(),
                                 screen->pixels() + kLzwTables + int64_t{screen->width} * 4 +
                                     RowShrinker::bytes_for(*screen, shrink.fx, shrink.fy),
                                 shrunk(*screen, shrink), target, options, gd::Format::kGif,
                                 "libgd holds the logical screen");
    try {
        const gd::Image frame = gd::Image::decode(bytes);
        const Size stored{frame.width(), frame.height()};
        const Size frame_target = stored_target(stored, 1, box);
        const Shrink frame_shrink = shrink_for(stored, frame_target);
        RowShrinker shrinker(stored, frame_shrink.fx, frame_shrink.fy);
        std::vector<unsigned char> row(static_cast<size_t>(stored.width) * 4);
        for (int y = 0; y < stored.height; ++y) {
            frame.rgba_row(y, row.data());
            shrinker.add_row(row.data());
        }
        return DecodedImage{shrinker.take(), stored, 1, std::move(memory)};
    } catch (const gd::Error& error) {
        // "cannot decode gif image: <libgd's reason>"
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kGif), error.what());
    }
}

}  // namespace

DecodedImage decode_for(std::string_view bytes, gd::Format format, Size box,
                        const DecodeOptions& options) {
    switch (format) {
        case gd::Format::kJpeg: return decode_jpeg(bytes, box, options);
        case gd::Format::kPng: return decode_png(bytes, box, options);
        case gd::Format::kWebp: return decode_webp(bytes, box, options);
        case gd::Format::kGif: return decode_gif(bytes, box, options);
        case gd::Format::kUnknown: break;
    }
    throw permanent_failure(ClientMessage::not_an_image());
}

MemoryPool::Reservation reserve_memory(size_t input_bytes, int64_t decoder_bytes, Size decoded,
                                       Size target, const DecodeOptions& options, gd::Format format,
                                       const std::string& what) {
    // The source stays until decoding ends; the decoded image lives on while resample() writes
    // the output (a ring of float rows and its taps) and the encoder copies it.
    constexpr int64_t kResampler = 1024 * 1024;
    const int64_t needed = static_cast<int64_t>(input_bytes) + decoder_bytes +
                           decoded.pixels() * 4 + target.pixels() * 4 * 3 + kResampler;
    const int64_t needed_mb = (needed + kMiB - 1) / kMiB;
    if (needed > options.memory_budget_mb * kMiB) {
        throw permanent_failure(
            ClientMessage::over_memory_budget(needed_mb, options.memory_budget_mb),
            "image needs " + std::to_string(needed_mb) + " MB to decode, the budget is " +
                std::to_string(options.memory_budget_mb) +
                " MB (PMS_WORKER_MEMORY_BUDGET): " + gd::name_of(format) + " " +
                decoded.to_string() + " decoded for " + target.to_string() + ", " + what);
    }
    if (!options.memory) {
        return {};
    }
    const auto start = std::chrono::steady_clock::now();
    MemoryPool::Reservation reservation = options.memory->reserve(needed);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (waited >= std::chrono::milliseconds(1)) {
        log::info("waited for decode memory", {{"needed_mb", Json::Int64(needed_mb)},
                                               {"budget_mb", Json::Int64(options.memory_budget_mb)},
                                               {"waited_ms", Json::Int64(waited.count())}});
    }
    return reservation;
}

}  // namespace pms::worker
