/// The libjpeg wrapper: header facts before decoding, DCT-scaled decoding, errors and warnings
/// as exceptions with libjpeg's words, and encoding without metadata.
#include "worker/pipeline/jpeg.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "image_fixtures.hpp"

namespace {

using pms::worker::fixtures::JpegSpec;

std::string sample(JpegSpec spec) {
    spec.colour = [](int x, int y) { return 0xFF000000U | (x % 256) << 16U | (y % 256) << 8U; };
    return pms::worker::fixtures::jpeg(spec);
}

/// Decodes all rows at `scale`/8; returns the pixels (4 bytes each).
std::vector<unsigned char> decode_all(pms::jpeg::Decoder& decoder, int scale) {
    decoder.start(scale);
    const size_t stride = static_cast<size_t>(decoder.output_width()) * pms::jpeg::kBytesPerPixel;
    std::vector<unsigned char> pixels(stride * static_cast<size_t>(decoder.output_height()));
    int y = 0;
    while (y < decoder.output_height()) {
        unsigned char* rows[2] = {
            &pixels[stride * static_cast<size_t>(y)],
            &pixels[stride * static_cast<size_t>(std::min(y + 1, decoder.output_height() - 1))]};
        y += decoder.read_rows(rows, std::min(2, decoder.output_height() - y));
    }
    decoder.finish();
    return pixels;
}

TEST(JpegDecoder, ReadsTheHeaderFirst) {
    JpegSpec spec;
    spec.width = 321;
    spec.height = 123;
    spec.progressive = true;
    spec.exif_orientation = 6;
    const std::string bytes = sample(spec);
    pms::jpeg::Decoder decoder(bytes);
    EXPECT_EQ(decoder.header().width, 321);
    EXPECT_EQ(decoder.header().height, 123);
    EXPECT_TRUE(decoder.header().progressive);
    EXPECT_FALSE(decoder.header().cmyk);
    EXPECT_EQ(decoder.header().exif.substr(0, 2), "II");
}

TEST(JpegDecoder, KnowsAdobeCmyk) {
    JpegSpec spec;
    spec.kind = JpegSpec::Kind::kAdobeCmyk;
    const std::string bytes = sample(spec);
    pms::jpeg::Decoder decoder(bytes);
    EXPECT_TRUE(decoder.header().cmyk);
    EXPECT_TRUE(decoder.header().inverted_cmyk);
    EXPECT_TRUE(decoder.header().exif.empty());
}

TEST(JpegDecoder, ScalesWhileDecoding) {
    JpegSpec spec;
    spec.width = 800;
    spec.height = 601;
    const std::string bytes = sample(spec);
    pms::jpeg::Decoder eighth(bytes);
    decode_all(eighth, 1);
    EXPECT_EQ(eighth.output_width(), 100);
    EXPECT_EQ(eighth.output_height(), 76);  // rounded up
    pms::jpeg::Decoder decoder(bytes);
    const std::vector<unsigned char> pixels = decode_all(decoder, 2);
    EXPECT_EQ(decoder.output_width(), 200);
    EXPECT_EQ(decoder.output_height(), 151);
    // Pixel (100, 50) of the quarter-size image shows source pixel (~400, ~200): red 400 % 256.
    uint32_t pixel = 0;
    std::memcpy(&pixel, &pixels[(50 * 200 + 100) * 4], 4);
    EXPECT_NEAR(static_cast<int>((pixel >> 16U) & 0xFFU), 400 % 256, 12);
    EXPECT_NEAR(static_cast<int>((pixel >> 8U) & 0xFFU), 200, 12);
}

TEST(JpegDecoder, NotAJpegIsAnError) {
    try {
        pms::jpeg::Decoder decoder("GIF89a, not a JPEG at all");
        FAIL() << "no error";
    } catch (const pms::jpeg::Error& error) {
        EXPECT_STREQ(error.what(), "Not a JPEG file: starts with 0x47 0x49");
    }
}

TEST(JpegDecoder, PrematureEndIsAnErrorNotGrey) {
    JpegSpec spec;
    spec.width = 256;
    spec.height = 256;
    const std::string bytes = sample(spec);
    const std::string truncated = bytes.substr(0, bytes.size() * 3 / 4);
    pms::jpeg::Decoder decoder(truncated);
    try {
        decode_all(decoder, 8);
        FAIL() << "no error";
    } catch (const pms::jpeg::Error& error) {
        EXPECT_STREQ(error.what(), "Premature end of JPEG file");
    }
}

TEST(JpegEncode, WritesBaselineOrProgressiveWithoutMetadata) {
    std::vector<uint32_t> pixels(64 * 32, 0x00FF8000U);
    std::vector<const unsigned char*> rows;
    rows.reserve(32);
    for (int y = 0; y < 32; ++y) {
        rows.push_back(
            reinterpret_cast<const unsigned char*>(&pixels[static_cast<size_t>(y) * 64]));
    }
    for (const bool progressive : {false, true}) {
        pms::jpeg::EncodeOptions options;
        options.progressive = progressive;
        const std::string bytes = pms::jpeg::encode(64, 32, rows.data(), options);
        EXPECT_EQ(bytes.substr(0, 4), "\xFF\xD8\xFF\xE0") << "SOI, then JFIF";
        EXPECT_EQ(bytes.find("\xFF\xE1"), std::string::npos) << "no APP1";
        EXPECT_EQ(bytes.find("\xFF\xFE"), std::string::npos) << "no comment";
        EXPECT_EQ(bytes.find(progressive ? "\xFF\xC2" : "\xFF\xC0") != std::string::npos, true);
        pms::jpeg::Decoder decoder(bytes);
        EXPECT_EQ(decoder.header().progressive, progressive);
        const std::vector<unsigned char> decoded = decode_all(decoder, 8);
        uint32_t pixel = 0;
        std::memcpy(&pixel, &decoded[(16 * 64 + 32) * 4], 4);
        EXPECT_NEAR(static_cast<int>((pixel >> 16U) & 0xFFU), 0xFF, 4);
        EXPECT_NEAR(static_cast<int>((pixel >> 8U) & 0xFFU), 0x80, 4);
        EXPECT_NEAR(static_cast<int>(pixel & 0xFFU), 0x00, 4);
    }
}

}  // namespace
