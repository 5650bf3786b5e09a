/// Header sizes of PNG, GIF and WebP, read without decoding.
#include "worker/pipeline/image_probe.hpp"

#include <gtest/gtest.h>

#include "image_fixtures.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {
namespace {

using namespace std::string_literals;

uint32_t grey(int, int) {
    return 0xFF808080U;
}

TEST(ProbeSize, PngHeader) {
    fixtures::PngSpec spec;
    spec.width = 33;
    spec.height = 17;
    spec.colour = grey;
    EXPECT_EQ(probe_size(fixtures::png(spec), gd::Format::kPng), (Size{33, 17}));
    EXPECT_EQ(probe_size(fixtures::png_header_only(60000, 60000), gd::Format::kPng),
              (Size{60000, 60000}));
}

TEST(ProbeSize, GifLogicalScreen) {
    EXPECT_EQ(probe_size(fixtures::animated_gif(), gd::Format::kGif), (Size{4, 4}));
}

TEST(ProbeSize, WebpLossyAndLossless) {
    gd::Image image = gd::Image::blank(37, 21);
    // libgd writes lossy VP8 below quality 100 and lossless VP8L at 100.
    EXPECT_EQ(probe_size(image.encode_webp(80), gd::Format::kWebp), (Size{37, 21}));
    EXPECT_EQ(probe_size(image.encode_webp(100), gd::Format::kWebp), (Size{37, 21}));
}

TEST(ProbeSize, WebpExtendedCanvas) {
    std::string vp8x = "RIFF\x1e\0\0\0WEBPVP8X\x0a\0\0\0"s;
    vp8x += "\x10\0\0\0"s;            // flags: alpha
    vp8x += "\x3f\x9c\0\x3f\x9c\0"s;  // 40000 x 40000, minus one each
    EXPECT_EQ(probe_size(vp8x, gd::Format::kWebp), (Size{40000, 40000}));
}

TEST(ProbeSize, TruncatedOrMalformedHeadersGiveNothing) {
    const std::string png = fixtures::png_header_only(100, 100);
    for (size_t length = 0; length < 24; ++length) {
        EXPECT_FALSE(probe_size(png.substr(0, length), gd::Format::kPng)) << length;
    }
    std::string not_ihdr = png;
    not_ihdr[12] = 'X';
    EXPECT_FALSE(probe_size(not_ihdr, gd::Format::kPng));
    EXPECT_FALSE(probe_size(fixtures::png_header_only(0, 5), gd::Format::kPng));
    EXPECT_FALSE(probe_size("GIF89a\x01", gd::Format::kGif));
    EXPECT_FALSE(probe_size("RIFF\0\0\0\0WEBPVP8 "s, gd::Format::kWebp));
    EXPECT_FALSE(probe_size(png, gd::Format::kJpeg)) << "JPEG headers are libjpeg's job";
}

}  // namespace
}  // namespace pms::worker
