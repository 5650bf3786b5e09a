/// What comes out for the sources users actually upload: a phone photo with its orientation in
/// Exif, and a CMYK JPEG from print.
#include <gtest/gtest.h>

#include <cstdlib>

#include "image_fixtures.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "worker/pipeline/gd_image.hpp"
#include "worker_stack.hpp"

namespace pms::e2e::worker {
namespace {

constexpr uint32_t kRed = 0xFFFF0000U;
constexpr uint32_t kGreen = 0xFF00C000U;
constexpr uint32_t kBlue = 0xFF0000FFU;

::testing::AssertionResult near_colour(const gd::Image& image, int x, int y, uint32_t expected) {
    const int actual = image.pixel(x, y);
    for (const int shift : {16, 8, 0}) {
        if (std::abs(((actual >> shift) & 0xFF) - static_cast<int>((expected >> shift) & 0xFFU)) >
            40) {
            return ::testing::AssertionFailure()
                   << "pixel (" << x << ", " << y << ") is " << std::hex << actual;
        }
    }
    return ::testing::AssertionSuccess();
}

/// Processes one source through the stack; returns the stored image's bytes.
std::string processed(const std::string& name, const std::string& bytes, Json::Value* image) {
    const Product product = create_product({publish_on_origin(name, bytes)});
    const Json::Value done = wait_until_processed(product);
    EXPECT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    *image = done["images"][0];
    const HttpResponse stored = get(done["compressed_product_images"][0].asString());
    EXPECT_EQ(stored.status, 200);
    EXPECT_EQ(stored.header("content-type"), "image/jpeg");
    EXPECT_EQ(stored.header("cache-control"), "public, max-age=31536000, immutable");
    return stored.body;
}

TEST(WorkerImages, APhonePhotoComesOutUprightWithoutExif) {
    // Held upright, the phone stores a landscape picture and Exif orientation 6 ("turn 90
    // degrees clockwise"), next to its GPS position.
    fixtures::JpegSpec spec;
    spec.width = 2000;
    spec.height = 1500;
    spec.exif_orientation = 6;
    spec.colour = [](int x, int y) { return x < 1000 && y < 750 ? kRed : kGreen; };
    Json::Value image;
    const std::string stored = processed(unique("phone") + ".jpg", fixtures::jpeg(spec), &image);
    const gd::Image output = gd::Image::decode(stored);
    EXPECT_EQ(output.width(), 450);
    EXPECT_EQ(output.height(), 600);
    EXPECT_EQ(image["width"].asInt(), 450);
    EXPECT_EQ(image["height"].asInt(), 600);
    EXPECT_TRUE(near_colour(output, 400, 50, kRed)) << "the stored top-left is now top-right";
    EXPECT_TRUE(near_colour(output, 50, 50, kGreen));
    EXPECT_EQ(stored.find("Exif"), std::string::npos) << "no Exif (and no GPS) in the output";
    EXPECT_EQ(stored.find("\xFF\xE1"), std::string::npos) << "no APP1 marker at all";
}

TEST(WorkerImages, ACmykJpegComesOutInItsColours) {
    fixtures::JpegSpec spec;
    spec.width = 1200;
    spec.height = 900;
    spec.kind = fixtures::JpegSpec::Kind::kAdobeCmyk;
    spec.colour = [](int x, int) { return x < 600 ? kRed : kBlue; };
    Json::Value image;
    const std::string stored = processed(unique("cmyk") + ".jpg", fixtures::jpeg(spec), &image);
    const gd::Image output = gd::Image::decode(stored);
    EXPECT_EQ(output.width(), 800);
    EXPECT_EQ(output.height(), 600);
    EXPECT_TRUE(near_colour(output, 100, 300, kRed));
    EXPECT_TRUE(near_colour(output, 700, 300, kBlue));
}

}  // namespace
}  // namespace pms::e2e::worker
