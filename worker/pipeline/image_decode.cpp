/// JPEG through libjpeg with shrink-on-load; PNG, GIF and WebP through libgd after a header check.
#include "worker/pipeline/image_decode.hpp"

#include <array>
#include <cstdint>
#include <vector>

#include "common/jpeg.hpp"
#include "worker/pipeline/exif.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/image_probe.hpp"

namespace pms::worker {

namespace {

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

DecodedImage decode_jpeg(std::string_view bytes, Size box, const DecodeOptions& options) {
    try {
        jpeg::Decoder decoder(bytes);
        const jpeg::Header& header = decoder.header();
        const Size stored{header.width, header.height};
        check_pixel_limit(stored, options.max_pixels, gd::Format::kJpeg);
        const int orientation = exif_orientation(header.exif);
        decoder.start(shrink_on_load_scale(stored, stored_target(stored, orientation, box)));
        gd::Image pixels = gd::Image::truecolor(decoder.output_width(), decoder.output_height());
        if (header.cmyk) {
            read_cmyk(decoder, pixels, header.inverted_cmyk);
        } else {
            read_colour(decoder, pixels);
        }
        decoder.finish();
        return DecodedImage{std::move(pixels), stored, orientation};
    } catch (const jpeg::Error& error) {
        throw permanent_failure(ClientMessage::corrupt_image(gd::Format::kJpeg),
                                std::string("corrupt jpeg image: ") + error.what());
    }
}

DecodedImage decode_with_gd(std::string_view bytes, gd::Format format,
                            const DecodeOptions& options) {
    const std::optional<Size> size = probe_size(bytes, format);
    if (!size) {
        throw permanent_failure(
            ClientMessage::corrupt_image(format),
            std::string("corrupt ") + gd::name_of(format) + " image: no valid header");
    }
    check_pixel_limit(*size, options.max_pixels, format);
    try {
        gd::Image pixels = gd::Image::decode(bytes);
        const Size stored{pixels.width(), pixels.height()};
        return DecodedImage{std::move(pixels), stored, 1};
    } catch (const gd::Error& error) {
        // "cannot decode png image: <libgd's reason>"
        throw permanent_failure(ClientMessage::corrupt_image(format), error.what());
    }
}

}  // namespace

DecodedImage decode_for(std::string_view bytes, gd::Format format, Size box,
                        const DecodeOptions& options) {
    if (format == gd::Format::kJpeg) {
        return decode_jpeg(bytes, box, options);
    }
    return decode_with_gd(bytes, format, options);
}

}  // namespace pms::worker
