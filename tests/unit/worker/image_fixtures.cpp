/// Test image writers over raw libjpeg and zlib (tests may use the C libraries directly: these
/// formats are what the worker reads, not what it writes).
#include "image_fixtures.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

// clang-format off
#include <jpeglib.h>
// clang-format on

namespace pms::worker::fixtures {

namespace {

uint8_t red(uint32_t c) {
    return static_cast<uint8_t>(c >> 16U);
}
uint8_t green(uint32_t c) {
    return static_cast<uint8_t>(c >> 8U);
}
uint8_t blue(uint32_t c) {
    return static_cast<uint8_t>(c);
}
uint8_t alpha(uint32_t c) {
    return static_cast<uint8_t>(c >> 24U);
}

void put16(std::string& out, uint32_t value, bool big_endian) {
    if (big_endian) {
        out.push_back(static_cast<char>(value >> 8U));
        out.push_back(static_cast<char>(value));
    } else {
        out.push_back(static_cast<char>(value));
        out.push_back(static_cast<char>(value >> 8U));
    }
}

void put32(std::string& out, uint32_t value, bool big_endian) {
    if (big_endian) {
        put16(out, value >> 16U, true);
        put16(out, value & 0xFFFFU, true);
    } else {
        put16(out, value & 0xFFFFU, false);
        put16(out, value >> 16U, false);
    }
}

/// One 12-byte IFD entry whose value fits in the entry.
void put_entry(std::string& out, uint16_t tag, uint16_t type, uint32_t count, uint32_t value,
               bool big_endian) {
    put16(out, tag, big_endian);
    put16(out, type, big_endian);
    put32(out, count, big_endian);
    if (type == 3) {  // SHORT: in the first two bytes
        put16(out, value, big_endian);
        put16(out, 0, big_endian);
    } else if (type == 2) {  // ASCII: one character and its terminator, padded
        out.push_back(static_cast<char>(value));
        out.append(3, '\0');
    } else {
        put32(out, value, big_endian);
    }
}

struct CompressDeleter {
    void operator()(jpeg_compress_struct* info) const {
        jpeg_destroy_compress(info);
        delete info;
    }
};

[[noreturn]] void jpeg_failed(j_common_ptr info) {
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    // The fixtures are well-formed: libjpeg refusing them is a broken test.
    std::fprintf(stderr, "image_fixtures: libjpeg: %s\n", message);
    std::abort();
}

void append_chunk(std::string& out, const char* type, const std::string& data) {
    put32(out, static_cast<uint32_t>(data.size()), true);
    const std::string typed = std::string(type, 4) + data;
    out += typed;
    put32(out,
          static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                                      static_cast<uInt>(typed.size()))),
          true);
}

std::string png_ihdr(uint32_t width, uint32_t height, int bit_depth, int type) {
    std::string ihdr;
    put32(ihdr, width, true);
    put32(ihdr, height, true);
    ihdr.push_back(static_cast<char>(bit_depth));
    ihdr.push_back(static_cast<char>(type));
    ihdr.append(3, '\0');  // deflate, adaptive filtering, no interlace
    return ihdr;
}

const char kPngSignature[] = "\x89PNG\r\n\x1a\n";

}  // namespace

std::string exif_tiff(int orientation, bool big_endian) {
    std::string tiff = big_endian ? "MM" : "II";
    put16(tiff, 42, big_endian);
    put32(tiff, 8, big_endian);  // IFD0 right after the header
    // IFD0: orientation and the GPS IFD pointer (tag 0x8825), then no next IFD.
    put16(tiff, 2, big_endian);
    put_entry(tiff, 0x0112, 3, 1, static_cast<uint32_t>(orientation), big_endian);
    const uint32_t gps_offset = 8 + 2 + 2 * 12 + 4;
    put_entry(tiff, 0x8825, 4, 1, gps_offset, big_endian);
    put32(tiff, 0, big_endian);
    // GPS IFD: GPSLatitudeRef "N".
    put16(tiff, 1, big_endian);
    put_entry(tiff, 0x0001, 2, 2, 'N', big_endian);
    put32(tiff, 0, big_endian);
    return tiff;
}

std::string jpeg(const JpegSpec& spec) {
    jpeg_error_mgr errors{};
    std::unique_ptr<jpeg_compress_struct, CompressDeleter> info(new jpeg_compress_struct{});
    info->err = jpeg_std_error(&errors);
    errors.error_exit = jpeg_failed;
    jpeg_create_compress(info.get());
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(info.get(), &buffer, &size);

    const bool grey = spec.kind == JpegSpec::Kind::kGrey;
    const bool cmyk = spec.kind == JpegSpec::Kind::kAdobeCmyk;
    info->image_width = static_cast<JDIMENSION>(spec.width);
    info->image_height = static_cast<JDIMENSION>(spec.height);
    info->input_components = grey ? 1 : cmyk ? 4 : 3;
    info->in_color_space = grey ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(info.get());
    if (cmyk) {
        jpeg_set_colorspace(info.get(), JCS_YCCK);  // as Photoshop writes them; Adobe marker
    }
    jpeg_set_quality(info.get(), spec.quality, TRUE);
    if (spec.progressive) {
        jpeg_simple_progression(info.get());
    }
    jpeg_start_compress(info.get(), TRUE);
    if (spec.exif_orientation != 0) {
        const std::string app1 = std::string("Exif\0\0", 6) + exif_tiff(spec.exif_orientation);
        jpeg_write_marker(info.get(), JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(app1.data()),
                          static_cast<unsigned>(app1.size()));
    }
    std::vector<JSAMPLE> row(static_cast<size_t>(spec.width * info->input_components));
    for (int y = 0; y < spec.height; ++y) {
        for (int x = 0; x < spec.width; ++x) {
            const uint32_t c = spec.colour(x, y);
            JSAMPLE* p = &row[static_cast<size_t>(x) * static_cast<size_t>(info->input_components)];
            if (grey) {
                p[0] = static_cast<JSAMPLE>((red(c) * 299 + green(c) * 587 + blue(c) * 114) / 1000);
            } else if (cmyk) {
                // Naive RGB to CMYK, stored inverted as Adobe does (255 = no ink).
                const int k = 255 - std::max({red(c), green(c), blue(c)});
                const int scale = 255 - k;
                auto ink = [&](int channel) {
                    return scale == 0 ? 0 : (scale - channel) * 255 / scale;
                };
                p[0] = static_cast<JSAMPLE>(255 - ink(red(c)));
                p[1] = static_cast<JSAMPLE>(255 - ink(green(c)));
                p[2] = static_cast<JSAMPLE>(255 - ink(blue(c)));
                p[3] = static_cast<JSAMPLE>(255 - k);
            } else {
                p[0] = red(c);
                p[1] = green(c);
                p[2] = blue(c);
            }
        }
        JSAMPROW rows[1] = {row.data()};
        jpeg_write_scanlines(info.get(), rows, 1);
    }
    jpeg_finish_compress(info.get());
    std::string bytes(reinterpret_cast<const char*>(buffer), size);
    std::free(buffer);
    return bytes;
}

std::string png(const PngSpec& spec) {
    const int type = static_cast<int>(spec.type);
    const int bytes_per_sample = spec.bit_depth / 8;
    std::map<uint32_t, int> palette;
    std::string raw;
    for (int y = 0; y < spec.height; ++y) {
        raw.push_back('\0');  // filter: none
        for (int x = 0; x < spec.width; ++x) {
            const uint32_t c = spec.colour(x, y);
            const uint8_t grey =
                static_cast<uint8_t>((red(c) * 299 + green(c) * 587 + blue(c) * 114) / 1000);
            // 16 bits: each byte twice, so that 0xFF stays white.
            auto put = [&](std::initializer_list<uint8_t> samples) {
                for (const uint8_t sample : samples) {
                    raw.append(static_cast<size_t>(bytes_per_sample), static_cast<char>(sample));
                }
            };
            switch (spec.type) {
                case PngSpec::Type::kGrey: put({grey}); break;
                case PngSpec::Type::kGreyAlpha: put({grey, alpha(c)}); break;
                case PngSpec::Type::kRgb: put({red(c), green(c), blue(c)}); break;
                case PngSpec::Type::kRgba: put({red(c), green(c), blue(c), alpha(c)}); break;
                case PngSpec::Type::kPalette: {
                    const auto it = palette.emplace(c, static_cast<int>(palette.size())).first;
                    if (it->second > 255) {
                        throw std::invalid_argument("png fixture: more than 256 colours");
                    }
                    put({static_cast<uint8_t>(it->second)});
                    break;
                }
            }
        }
    }
    uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
    std::string compressed(compressed_size, '\0');
    compress(reinterpret_cast<Bytef*>(compressed.data()), &compressed_size,
             reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()));
    compressed.resize(compressed_size);

    std::string out(kPngSignature, 8);
    append_chunk(out, "IHDR",
                 png_ihdr(static_cast<uint32_t>(spec.width), static_cast<uint32_t>(spec.height),
                          spec.bit_depth, type));
    if (spec.type == PngSpec::Type::kPalette) {
        std::string plte(palette.size() * 3, '\0');
        std::string trns(palette.size(), '\xff');
        bool translucent = false;
        for (const auto& [colour, index] : palette) {
            const auto i = static_cast<size_t>(index);
            plte[i * 3] = static_cast<char>(red(colour));
            plte[i * 3 + 1] = static_cast<char>(green(colour));
            plte[i * 3 + 2] = static_cast<char>(blue(colour));
            trns[i] = static_cast<char>(alpha(colour));
            translucent = translucent || alpha(colour) != 0xFF;
        }
        append_chunk(out, "PLTE", plte);
        if (translucent) {
            append_chunk(out, "tRNS", trns);
        }
    }
    append_chunk(out, "IDAT", compressed);
    append_chunk(out, "IEND", "");
    return out;
}

std::string png_header_only(uint32_t width, uint32_t height) {
    std::string out(kPngSignature, 8);
    append_chunk(out, "IHDR", png_ihdr(width, height, 8, 2));
    return out;
}

std::string animated_gif() {
    // Written once by libgd's gdImageGifAnim* functions (4x4, two frames, 101 bytes).
    static const unsigned char kBytes[] = {
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x04, 0x00, 0x04, 0x00, 0x80, 0x00, 0x00, 0xff, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x21, 0xff, 0x0b, 0x4e, 0x45, 0x54, 0x53, 0x43, 0x41, 0x50, 0x45,
        0x32, 0x2e, 0x30, 0x03, 0x01, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x05, 0x0a, 0x00, 0x01,
        0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x80, 0xff, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x02, 0x04, 0x0c, 0x8e, 0xa9, 0x05, 0x00, 0x21, 0xf9, 0x04, 0x04, 0x0a, 0x00,
        0xff, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x80, 0x00, 0x00, 0xff,
        0x00, 0x00, 0x00, 0x02, 0x04, 0x84, 0x8f, 0x09, 0x05, 0x00, 0x3b};
    return std::string(reinterpret_cast<const char*>(kBytes), sizeof kBytes);
}

}  // namespace pms::worker::fixtures
