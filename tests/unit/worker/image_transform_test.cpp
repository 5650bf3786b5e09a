/// Fitting arithmetic and the decode → fit → JPEG steps.
#include "worker/pipeline/image_transform.hpp"

#include <gtest/gtest.h>

#include "common/gd_image.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {
namespace {

TEST(Fit, LandscapeIsBoundByWidth) {
    EXPECT_EQ(fit(3000, 2000, 800, 600), (Size{800, 533}));
}

TEST(Fit, PortraitIsBoundByHeight) {
    EXPECT_EQ(fit(2000, 3000, 800, 600), (Size{400, 600}));
}

TEST(Fit, SmallImagesAreNeverUpscaled) {
    EXPECT_EQ(fit(640, 480, 800, 600), (Size{640, 480}));
    EXPECT_EQ(fit(800, 600, 800, 600), (Size{800, 600}));
    EXPECT_EQ(fit(1, 1, 800, 600), (Size{1, 1}));
}

TEST(Fit, ExtremeRatiosNeverReachZero) {
    EXPECT_EQ(fit(1, 10000, 800, 600), (Size{1, 600}));
    EXPECT_EQ(fit(10000, 1, 800, 600), (Size{800, 1}));
    EXPECT_EQ(fit(100000, 3, 800, 600), (Size{800, 1}));
}

TEST(Fit, RoundsToTheNearestPixel) {
    EXPECT_EQ(fit(1000, 667, 800, 600), (Size{800, 534}));   // 533.6
    EXPECT_EQ(fit(1000, 666, 800, 600), (Size{800, 533}));   // 532.8
    EXPECT_EQ(fit(4000, 3000, 800, 600), (Size{800, 600}));  // same ratio as the box
    EXPECT_EQ(fit(1200, 1000, 800, 600), (Size{720, 600}));  // height-bound, 720 exactly
    EXPECT_EQ(fit(900, 601, 800, 600), (Size{800, 534}));    // 534.2
}

TEST(Fit, OnlyOneSideOverTheBox) {
    EXPECT_EQ(fit(801, 10, 800, 600), (Size{800, 10}));
    EXPECT_EQ(fit(10, 601, 800, 600), (Size{10, 600}));
}

TEST(Fit, RejectsNonPositiveDimensions) {
    EXPECT_THROW(fit(0, 10, 800, 600), std::invalid_argument);
    EXPECT_THROW(fit(10, -1, 800, 600), std::invalid_argument);
    EXPECT_THROW(fit(10, 10, 0, 600), std::invalid_argument);
}

std::string png_of(int width, int height) {
    gd::Image image = gd::Image::blank(width, height);
    image.set_pixel(0, 0, 255, 0, 0);
    return image.encode_png();
}

TEST(Transform, FitsAndEncodesJpeg) {
    const EncodedImage out = transform(png_of(1500, 1000), TransformOptions{});
    EXPECT_EQ(out.size, (Size{800, 533}));
    EXPECT_EQ(out.source_size, (Size{1500, 1000}));
    EXPECT_EQ(gd::sniff(out.bytes), gd::Format::kJpeg);
    EXPECT_STREQ(out.content_type, "image/jpeg");
    const gd::Image decoded = gd::Image::decode(out.bytes);
    EXPECT_EQ(decoded.width(), 800);
    EXPECT_EQ(decoded.height(), 533);
}

TEST(Transform, KeepsSmallImagesAtTheirSize) {
    const EncodedImage out = transform(png_of(300, 200), TransformOptions{});
    EXPECT_EQ(out.size, (Size{300, 200}));
}

TEST(Transform, HonoursTheBoxAndQuality) {
    TransformOptions options;
    options.max_width = 100;
    options.max_height = 100;
    options.quality = 30;
    const EncodedImage out = transform(png_of(400, 200), options);
    EXPECT_EQ(out.size, (Size{100, 50}));
}

TEST(Transform, NonImagesFailPermanently) {
    try {
        transform("<html>not an image</html>", TransformOptions{});
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent());
        EXPECT_STREQ(failure.what(), "not an image: the bytes are not JPEG, PNG, GIF or WebP");
    }
}

TEST(Transform, CorruptImagesFailPermanently) {
    const std::string png = png_of(200, 100);
    try {
        transform(png.substr(0, 40), TransformOptions{});
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent());
        EXPECT_NE(std::string(failure.what()).find("cannot decode png image"), std::string::npos)
            << failure.what();
    }
}

}  // namespace
}  // namespace pms::worker
