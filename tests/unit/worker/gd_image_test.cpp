#include "worker/pipeline/gd_image.hpp"

#include <gtest/gtest.h>

namespace {

using pms::gd::Format;
using pms::gd::Image;

Image gradient(int width, int height) {
    Image image = Image::blank(width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            image.set_pixel(x, y, x * 255 / width, y * 255 / height, 128);
        }
    }
    return image;
}

TEST(GdSniff, RecognisesSignaturesNotNames) {
    EXPECT_EQ(pms::gd::sniff(gradient(4, 4).encode_jpeg(80)), Format::kJpeg);
    EXPECT_EQ(pms::gd::sniff(gradient(4, 4).encode_png()), Format::kPng);
    EXPECT_EQ(pms::gd::sniff("GIF89a...."), Format::kGif);
    EXPECT_EQ(pms::gd::sniff(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)), Format::kWebp);
    EXPECT_EQ(pms::gd::sniff("<html>not an image</html>"), Format::kUnknown);
    EXPECT_EQ(pms::gd::sniff(""), Format::kUnknown);
}

TEST(GdImage, RoundTripsThroughJpegAndPng) {
    const Image source = gradient(64, 48);
    const Image jpeg = Image::decode(source.encode_jpeg(90));
    EXPECT_EQ(jpeg.width(), 64);
    EXPECT_EQ(jpeg.height(), 48);
    const Image png = Image::decode(source.encode_png());
    EXPECT_EQ(png.pixel(10, 20), source.pixel(10, 20));
}

TEST(GdImage, FlattensTransparencyOnWhite) {
    Image image = Image::blank(4, 1);
    image.set_pixel(0, 0, 255, 0, 0);
    // A translucent and a fully transparent black pixel, kept through a PNG round trip.
    std::string png = image.encode_png();
    Image decoded = Image::decode(png);
    decoded.row(0)[1] = gdTrueColorAlpha(0, 0, 0, 64);
    decoded.row(0)[2] = gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent);
    decoded.flatten_on_white();
    EXPECT_EQ(decoded.pixel(0, 0), 0xFF0000);
    EXPECT_EQ(decoded.pixel(1, 0), 0x818181);  // 64/127 of the way from black to white
    EXPECT_EQ(decoded.pixel(2, 0), 0xFFFFFF);
    EXPECT_EQ(decoded.row(0)[2] >> 24, 0) << "opaque afterwards";
}

TEST(GdImage, TruncatedJpegIsAnErrorNotAHalfImage) {
    std::string bytes = gradient(200, 200).encode_jpeg(90);
    bytes.resize(bytes.size() / 2);
    EXPECT_THROW(Image::decode(bytes), pms::gd::Error);
}

TEST(GdImage, NonImageIsRefused) {
    try {
        Image::decode("hello");
        FAIL() << "expected an error";
    } catch (const pms::gd::Error& error) {
        EXPECT_NE(std::string(error.what()).find("not a JPEG"), std::string::npos);
    }
}

}  // namespace
