#pragma once
/// Source images the worker must cope with, written by the tests themselves: JPEGs the worker's
/// own encoder never writes (greyscale, Adobe CMYK, progressive, with an Exif orientation), PNGs
/// of every colour type and bit depth, a PNG header that claims a huge image, and an animated
/// GIF. Shared by the unit tests and the end-to-end suite.

#include <cstdint>
#include <functional>
#include <string>

namespace pms::worker::fixtures {

/// The colour of pixel (x, y) as 0xAARRGGBB (AA = 0xFF: opaque).
using Colour = std::function<uint32_t(int x, int y)>;

struct JpegSpec {
    enum class Kind { kRgb, kGrey, kAdobeCmyk };
    int width = 64;
    int height = 48;
    Kind kind = Kind::kRgb;
    bool progressive = false;
    /// 0 for no Exif marker; 1-8 writes an Exif APP1 with that orientation and a GPS position.
    int exif_orientation = 0;
    int quality = 90;
    Colour colour;
};

/// A JPEG written with libjpeg directly.
std::string jpeg(const JpegSpec& spec);

/// The TIFF structure of an Exif APP1 marker (what follows "Exif\0\0"): IFD0 with the
/// orientation and a pointer to a GPS IFD holding a latitude reference, in Intel or Motorola
/// byte order.
std::string exif_tiff(int orientation, bool big_endian = false);

struct PngSpec {
    enum class Type { kGrey = 0, kRgb = 2, kPalette = 3, kGreyAlpha = 4, kRgba = 6 };
    int width = 64;
    int height = 48;
    Type type = Type::kRgb;
    int bit_depth = 8;  ///< 8 or 16 (8 for palettes)
    /// For kPalette: colours are looked up in a palette built from the first 256 distinct
    /// colours; an alpha below 0xFF becomes a tRNS entry.
    Colour colour;
};

/// A PNG written by hand (zlib for the data): the colour types and depths libgd never writes.
std::string png(const PngSpec& spec);

/// A PNG signature and IHDR claiming `width` x `height`, with no image data: what a
/// decompression bomb looks like before its (tiny, highly compressed) data.
std::string png_header_only(uint32_t width, uint32_t height);

/// A 4x4 animated GIF: frame 1 red with a transparent pixel at (0, 0), frame 2 blue.
std::string animated_gif();

}  // namespace pms::worker::fixtures
