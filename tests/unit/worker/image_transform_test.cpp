/// Decode → fit → orient → encode over every input the worker accepts, and the inputs it must
/// refuse: corrupt, truncated, or claiming more pixels than allowed.
#include "worker/pipeline/image_transform.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "client_vocabulary.hpp"
#include "image_fixtures.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {
namespace {

using fixtures::JpegSpec;
using fixtures::PngSpec;

constexpr uint32_t kRed = 0xFFFF0000U;
constexpr uint32_t kBlue = 0xFF0000FFU;
constexpr uint32_t kWhite = 0xFFFFFFFFU;
constexpr uint32_t kGreen = 0xFF00C000U;

/// Red in the top-left quarter, green elsewhere: shows any turn or mirror.
uint32_t marked_corner(int x, int y, int width, int height) {
    return x < width / 2 && y < height / 2 ? kRed : kGreen;
}

std::string png_of(int width, int height) {
    gd::Image image = gd::Image::blank(width, height);
    image.set_pixel(0, 0, 255, 0, 0);
    return image.encode_png();
}

/// What a permanent failure of transform() records on the image, and what it logs.
struct Refusal {
    std::string client;
    std::string detail;
};

/// The permanent failure transform() throws, or a failed test.
Refusal refusal(const std::string& source, const TransformOptions& options = {}) {
    try {
        transform(source, options);
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent()) << failure.detail();
        EXPECT_TRUE(vocabulary::IsClientText(failure.client_message().text()));
        return {failure.client_message().text(), failure.detail()};
    }
    ADD_FAILURE() << "transform did not fail";
    return {};
}

/// True when the colour at (x, y) is within `tolerance` of `expected` in every channel.
::testing::AssertionResult near_colour(const gd::Image& image, int x, int y, uint32_t expected,
                                       int tolerance = 40) {
    const int actual = image.pixel(x, y);
    for (const int shift : {16, 8, 0}) {
        const int a = (actual >> shift) & 0xFF;
        const int e = static_cast<int>((expected >> shift) & 0xFFU);
        if (std::abs(a - e) > tolerance) {
            return ::testing::AssertionFailure()
                   << "pixel (" << x << ", " << y << ") is " << std::hex << actual << ", not "
                   << (expected & 0xFFFFFFU);
        }
    }
    return ::testing::AssertionSuccess();
}

/// The JPEG marker codes before the image data (SOS), in order.
std::vector<int> markers_of(const std::string& jpeg) {
    std::vector<int> markers;
    size_t at = 2;  // after SOI
    while (at + 4 <= jpeg.size() && static_cast<uint8_t>(jpeg[at]) == 0xFF) {
        const int marker = static_cast<uint8_t>(jpeg[at + 1]);
        markers.push_back(marker);
        if (marker == 0xDA) {
            break;
        }
        const size_t length =
            static_cast<uint8_t>(jpeg[at + 2]) << 8U | static_cast<uint8_t>(jpeg[at + 3]);
        at += 2 + length;
    }
    return markers;
}

TEST(Transform, FitsAndEncodesJpeg) {
    const EncodedImage out = transform(png_of(1500, 1000), TransformOptions{});
    EXPECT_EQ(out.size, (Size{800, 533}));
    EXPECT_EQ(out.source_size, (Size{1500, 1000}));
    EXPECT_EQ(gd::sniff(out.bytes), gd::Format::kJpeg);
    EXPECT_STREQ(out.content_type, "image/jpeg");
    EXPECT_STREQ(out.extension, "jpg");
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
    JpegSpec spec;
    spec.width = 400;
    spec.height = 200;
    spec.colour = [](int x, int y) { return ((x / 7 + y / 5) % 2 != 0) ? kRed : kBlue; };
    const std::string source = fixtures::jpeg(spec);
    options.output.quality = 95;
    const EncodedImage fine = transform(source, options);
    options.output.quality = 20;
    const EncodedImage coarse = transform(source, options);
    EXPECT_EQ(fine.size, (Size{100, 50}));
    EXPECT_LT(coarse.bytes.size(), fine.bytes.size());
}

TEST(Transform, ShrinksLargeJpegsWhileDecoding) {
    JpegSpec spec;
    spec.width = 4000;
    spec.height = 3000;
    spec.colour = [](int x, int y) { return marked_corner(x, y, 4000, 3000); };
    const EncodedImage out = transform(fixtures::jpeg(spec), TransformOptions{});
    EXPECT_EQ(out.size, (Size{800, 600}));
    EXPECT_EQ(out.source_size, (Size{4000, 3000}));
    const gd::Image image = gd::Image::decode(out.bytes);
    EXPECT_TRUE(near_colour(image, 100, 100, kRed));
    EXPECT_TRUE(near_colour(image, 700, 500, kGreen));
}

TEST(Transform, NonImagesFailPermanently) {
    EXPECT_EQ(refusal("<html>not an image</html>").client,
              "not an image: the bytes are not JPEG, PNG, GIF or WebP");
}

TEST(Transform, CorruptPngFailsWithLibgdsReason) {
    const std::string png = png_of(200, 100);
    const Refusal error = refusal(png.substr(0, 40));
    EXPECT_EQ(error.client, "corrupt png image");
    EXPECT_NE(error.detail.find("cannot decode png image"), std::string::npos) << error.detail;
}

TEST(Transform, TruncatedJpegFailsInsteadOfComingOutHalfGrey) {
    JpegSpec spec;
    spec.width = 640;
    spec.height = 480;
    spec.colour = [](int x, int y) { return marked_corner(x, y, 640, 480); };
    const std::string jpeg = fixtures::jpeg(spec);
    EXPECT_EQ(refusal(jpeg.substr(0, jpeg.size() / 2)).client, "corrupt jpeg image");
    EXPECT_EQ(refusal(jpeg.substr(0, jpeg.size() / 2)).detail,
              "corrupt jpeg image: Premature end of JPEG file");
    spec.progressive = true;
    const std::string progressive = fixtures::jpeg(spec);
    EXPECT_EQ(refusal(progressive.substr(0, progressive.size() * 2 / 3)).detail,
              "corrupt jpeg image: Premature end of JPEG file");
}

TEST(Transform, CorruptJpegDataFailsWithLibjpegsMessage) {
    JpegSpec spec;
    spec.width = 640;
    spec.height = 480;
    spec.colour = [](int x, int y) { return marked_corner(x, y, 640, 480); };
    std::string jpeg = fixtures::jpeg(spec);
    // Garbage in the middle of the entropy-coded data, with a marker libjpeg must resync on.
    for (size_t i = jpeg.size() / 2; i < jpeg.size() / 2 + 64; ++i) {
        jpeg[i] = static_cast<char>(i % 3 == 0 ? 0xFF : 0xD3);
    }
    const Refusal error = refusal(jpeg);
    EXPECT_EQ(error.client, "corrupt jpeg image");
    EXPECT_EQ(error.detail.rfind("corrupt jpeg image: ", 0), 0U) << error.detail;
}

TEST(Transform, HeadersClaimingTooManyPixelsAreRefusedBeforeDecoding) {
    EXPECT_EQ(refusal(fixtures::png_header_only(60000, 60000)).client,
              "image too large: 60000x60000 pixels is more than 50000000");
    EXPECT_EQ(refusal(fixtures::png_header_only(60000, 60000)).detail,
              "image too large: 60000x60000 pixels is more than 50000000 (PMS_MAX_PIXELS)");

    // A tiny JPEG whose frame header claims 60000x60000.
    JpegSpec spec;
    spec.width = 16;
    spec.height = 16;
    spec.colour = [](int, int) { return kWhite; };
    std::string jpeg = fixtures::jpeg(spec);
    const size_t sof = jpeg.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    jpeg[sof + 5] = static_cast<char>(0xEA);  // height 0xEA60 = 60000
    jpeg[sof + 6] = static_cast<char>(0x60);
    jpeg[sof + 7] = static_cast<char>(0xEA);  // width
    jpeg[sof + 8] = static_cast<char>(0x60);
    EXPECT_EQ(refusal(jpeg).client, "image too large: 60000x60000 pixels is more than 50000000");
}

TEST(Transform, ThePixelLimitIsInclusive) {
    TransformOptions options;
    options.decode.max_pixels = 300 * 200;
    EXPECT_NO_THROW(transform(png_of(300, 200), options));
    options.decode.max_pixels = 300 * 200 - 1;
    EXPECT_EQ(refusal(png_of(300, 200), options).client,
              "image too large: 300x200 pixels is more than 59999");
}

TEST(Transform, ProgressiveGreyAndCmykJpegs) {
    for (const auto kind :
         {JpegSpec::Kind::kRgb, JpegSpec::Kind::kGrey, JpegSpec::Kind::kAdobeCmyk}) {
        for (const bool progressive : {false, true}) {
            SCOPED_TRACE(testing::Message()
                         << "kind " << static_cast<int>(kind) << " progressive " << progressive);
            JpegSpec spec;
            spec.width = 1200;
            spec.height = 900;
            spec.kind = kind;
            spec.progressive = progressive;
            spec.colour = [](int x, int y) { return x < 600 ? (y < 450 ? kRed : kBlue) : kWhite; };
            const EncodedImage out = transform(fixtures::jpeg(spec), TransformOptions{});
            EXPECT_EQ(out.size, (Size{800, 600}));
            const gd::Image image = gd::Image::decode(out.bytes);
            EXPECT_TRUE(near_colour(image, 700, 300, kWhite));
            if (kind == JpegSpec::Kind::kGrey) {
                EXPECT_TRUE(near_colour(image, 100, 100, 0xFF4C4C4CU));  // red's luma
            } else {
                EXPECT_TRUE(near_colour(image, 100, 100, kRed));
                EXPECT_TRUE(near_colour(image, 100, 500, kBlue));
            }
        }
    }
}

TEST(Transform, ExifOrientationSixComesOutPortraitWithoutExif) {
    // A phone held upright stores a landscape image and says "turn 90 degrees clockwise".
    JpegSpec spec;
    spec.width = 1600;
    spec.height = 1200;
    spec.exif_orientation = 6;
    spec.colour = [](int x, int y) { return marked_corner(x, y, 1600, 1200); };
    const std::string source = fixtures::jpeg(spec);
    ASSERT_NE(source.find("Exif"), std::string::npos);

    const EncodedImage out = transform(source, TransformOptions{});
    EXPECT_EQ(out.source_size, (Size{1200, 1600}));
    EXPECT_EQ(out.size, (Size{450, 600}));
    const gd::Image image = gd::Image::decode(out.bytes);
    ASSERT_EQ(image.width(), 450);
    ASSERT_EQ(image.height(), 600);
    // Stored top-left turns to the top-right.
    EXPECT_TRUE(near_colour(image, 400, 50, kRed));
    EXPECT_TRUE(near_colour(image, 50, 50, kGreen));
    EXPECT_TRUE(near_colour(image, 400, 550, kGreen));
    EXPECT_EQ(out.bytes.find("Exif"), std::string::npos);
}

TEST(Transform, EveryExifOrientation) {
    // Where the stored top-left corner ends up, for the upright 300x200 (or 200x300) result.
    struct Case {
        int orientation;
        bool right;
        bool bottom;
    };
    for (const Case c :
         {Case{1, false, false}, Case{2, true, false}, Case{3, true, true}, Case{4, false, true},
          Case{5, false, false}, Case{6, true, false}, Case{7, true, true}, Case{8, false, true}}) {
        SCOPED_TRACE(c.orientation);
        JpegSpec spec;
        spec.width = 300;
        spec.height = 200;
        spec.exif_orientation = c.orientation;
        spec.colour = [](int x, int y) { return marked_corner(x, y, 300, 200); };
        const gd::Image image =
            gd::Image::decode(transform(fixtures::jpeg(spec), TransformOptions{}).bytes);
        const bool turned = c.orientation >= 5;
        ASSERT_EQ(image.width(), turned ? 200 : 300);
        ASSERT_EQ(image.height(), turned ? 300 : 200);
        const int x = c.right ? image.width() - 20 : 20;
        const int y = c.bottom ? image.height() - 20 : 20;
        EXPECT_TRUE(near_colour(image, x, y, kRed));
        EXPECT_TRUE(near_colour(image, image.width() - 1 - x, image.height() - 1 - y, kGreen));
    }
}

TEST(Transform, OutputCarriesNoMetadata) {
    JpegSpec spec;
    spec.width = 900;
    spec.height = 700;
    spec.exif_orientation = 1;  // with a GPS position
    spec.colour = [](int x, int y) { return marked_corner(x, y, 900, 700); };
    const EncodedImage out = transform(fixtures::jpeg(spec), TransformOptions{});
    // SOI, then JFIF (APP0), tables, the frame and the scan: no APP1 (Exif, XMP), no comment.
    for (const int marker : markers_of(out.bytes)) {
        EXPECT_TRUE(marker == 0xE0 || marker == 0xDB || marker == 0xC4 || marker == 0xC0 ||
                    marker == 0xDA)
            << "unexpected marker " << std::hex << marker;
    }
    EXPECT_EQ(out.bytes.find("Exif"), std::string::npos);
}

TEST(Transform, ProgressiveOutputOnRequest) {
    TransformOptions options;
    options.output.progressive = true;
    const EncodedImage out = transform(png_of(1000, 800), options);
    const std::vector<int> markers = markers_of(out.bytes);
    EXPECT_NE(std::find(markers.begin(), markers.end(), 0xC2), markers.end()) << "no SOF2";
    EXPECT_EQ(gd::Image::decode(out.bytes).width(), 750);
}

TEST(Transform, WebpOutputOnRequest) {
    TransformOptions options;
    options.output.format = OutputFormat::kWebp;
    const EncodedImage out = transform(png_of(1600, 1200), options);
    EXPECT_EQ(gd::sniff(out.bytes), gd::Format::kWebp);
    EXPECT_STREQ(out.content_type, "image/webp");
    EXPECT_STREQ(out.extension, "webp");
    EXPECT_EQ(gd::Image::decode(out.bytes).width(), 800);
}

TEST(Transform, PngOfEveryColourTypeAndDepth) {
    struct Case {
        PngSpec::Type type;
        int depth;
    };
    for (const Case c : {Case{PngSpec::Type::kGrey, 8}, Case{PngSpec::Type::kGrey, 16},
                         Case{PngSpec::Type::kRgb, 8}, Case{PngSpec::Type::kRgb, 16},
                         Case{PngSpec::Type::kRgba, 16}, Case{PngSpec::Type::kGreyAlpha, 8},
                         Case{PngSpec::Type::kPalette, 8}}) {
        SCOPED_TRACE(testing::Message()
                     << "type " << static_cast<int>(c.type) << " depth " << c.depth);
        PngSpec spec;
        spec.width = 1000;
        spec.height = 500;
        spec.type = c.type;
        spec.bit_depth = c.depth;
        spec.colour = [](int x, int) { return x < 500 ? kWhite : 0xFF000000U; };
        const gd::Image image =
            gd::Image::decode(transform(fixtures::png(spec), TransformOptions{}).bytes);
        EXPECT_EQ(image.width(), 800);
        EXPECT_EQ(image.height(), 400);
        EXPECT_TRUE(near_colour(image, 100, 200, kWhite));
        EXPECT_TRUE(near_colour(image, 700, 200, 0xFF000000U));
    }
}

TEST(Transform, TransparencyIsCompositedOnWhite) {
    // Left: fully transparent black; middle: half-transparent black; right: opaque blue.
    const fixtures::Colour colour = [](int x, int) {
        return x < 100 ? 0x00000000U : x < 200 ? 0x80000000U : kBlue;
    };
    for (const auto type : {PngSpec::Type::kRgba, PngSpec::Type::kPalette}) {
        SCOPED_TRACE(static_cast<int>(type));
        PngSpec spec;
        spec.width = 300;
        spec.height = 100;
        spec.type = type;
        spec.colour = colour;
        const gd::Image image =
            gd::Image::decode(transform(fixtures::png(spec), TransformOptions{}).bytes);
        EXPECT_TRUE(near_colour(image, 50, 50, kWhite, 8));
        EXPECT_TRUE(near_colour(image, 150, 50, 0xFF808080U, 12));
        EXPECT_TRUE(near_colour(image, 250, 50, kBlue));
    }
}

TEST(Transform, GifFirstFrameWithTransparencyOnWhite) {
    TransformOptions options;
    const EncodedImage out = transform(fixtures::animated_gif(), options);
    EXPECT_EQ(out.size, (Size{4, 4}));
    const gd::Image image = gd::Image::decode(out.bytes);
    EXPECT_TRUE(near_colour(image, 3, 3, kRed, 60)) << "the first frame, not the second (blue)";
    EXPECT_TRUE(near_colour(image, 0, 0, kWhite, 90)) << "its transparent pixel on white";
}

TEST(Transform, WebpInput) {
    gd::Image source = gd::Image::blank(1200, 600);
    for (int y = 0; y < 600; ++y) {
        for (int x = 0; x < 600; ++x) {
            source.set_pixel(x, y, 0, 0, 255);
        }
    }
    const EncodedImage out = transform(source.encode_webp(90), TransformOptions{});
    EXPECT_EQ(out.size, (Size{800, 400}));
    const gd::Image image = gd::Image::decode(out.bytes);
    EXPECT_TRUE(near_colour(image, 100, 200, kBlue));
    EXPECT_TRUE(near_colour(image, 700, 200, kWhite));
}

}  // namespace
}  // namespace pms::worker
