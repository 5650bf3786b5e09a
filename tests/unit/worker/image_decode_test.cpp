/// The decoders that shrink while decoding: each format and PNG colour type against libgd's
/// full-size decode, the memory budget refusing from the header, and the peak memory of a large
/// PNG following the output rather than the source.
#include "worker/pipeline/image_decode.hpp"

#include <gtest/gtest.h>
#include <malloc.h>
#include <png.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csetjmp>
#include <fstream>
#include <string>
#include <vector>

#include "client_vocabulary.hpp"
#include "image_fixtures.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/jpeg.hpp"
#include "worker/pipeline/resample.hpp"

namespace pms::worker {
namespace {

using fixtures::PngSpec;

/// Smooth colour and alpha ramps with a sharp edge: what a box step would blur if it were wrong.
uint32_t ramp(int x, int y) {
    const uint32_t alpha = x < 100 ? 0xFFU : static_cast<uint32_t>(80 + (y * 175) / 900);
    const uint32_t red = static_cast<uint32_t>(x * 255 / 1200);
    const uint32_t green = static_cast<uint32_t>(y * 255 / 900);
    const uint32_t blue = (x / 150 + y / 150) % 2 == 0 ? 40U : 220U;
    return alpha << 24U | red << 16U | green << 8U | blue;
}

double psnr(const gd::Image& a, const gd::Image& b) {
    EXPECT_EQ(a.width(), b.width());
    EXPECT_EQ(a.height(), b.height());
    double squares = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            const int p = a.pixel(x, y);
            const int q = b.pixel(x, y);
            for (const int shift : {16, 8, 0}) {
                const double d = ((p >> shift) & 0xFF) - ((q >> shift) & 0xFF);
                squares += d * d;
            }
        }
    }
    const double mse = squares / (3.0 * a.width() * a.height());
    return mse == 0 ? 99 : 10 * std::log10(255.0 * 255.0 / mse);
}

/// What the pipeline makes of `bytes` through decode_for(), and through libgd at full size.
double psnr_against_libgd(const std::string& bytes, Size box, Size* decoded = nullptr) {
    const gd::Format format = gd::sniff(bytes);
    DecodedImage ours = decode_for(bytes, format, box, DecodeOptions{});
    const Size target = stored_target(ours.stored, 1, box);
    if (decoded != nullptr) {
        *decoded = Size{ours.pixels.width(), ours.pixels.height()};
    }
    ours.pixels.flatten_on_white();
    gd::Image reference = gd::Image::decode(bytes);
    reference.flatten_on_white();
    return psnr(resample(ours.pixels, target.width, target.height),
                resample(reference, target.width, target.height));
}

/// The permanent failure decode_for() throws, or a failed test.
Failure refusal(const std::string& bytes, const DecodeOptions& options, Size box = {800, 600}) {
    try {
        decode_for(bytes, gd::sniff(bytes), box, options);
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent());
        EXPECT_TRUE(vocabulary::IsClientText(failure.client_message().text()));
        return failure;
    }
    ADD_FAILURE() << "decode_for did not fail";
    return permanent_failure(ClientMessage::internal_error());
}

TEST(Decode, PngOfEveryColourTypeAndDepthMatchesLibgd) {
    struct Case {
        PngSpec::Type type;
        int depth;
    };
    for (const Case c : {Case{PngSpec::Type::kGrey, 8}, Case{PngSpec::Type::kGrey, 16},
                         Case{PngSpec::Type::kRgb, 8}, Case{PngSpec::Type::kRgb, 16},
                         Case{PngSpec::Type::kGreyAlpha, 8}, Case{PngSpec::Type::kGreyAlpha, 16},
                         Case{PngSpec::Type::kRgba, 8}, Case{PngSpec::Type::kRgba, 16}}) {
        PngSpec spec;
        spec.width = 1200;
        spec.height = 900;
        spec.type = c.type;
        spec.bit_depth = c.depth;
        spec.colour = ramp;
        Size decoded;
        // libgd keeps 7 bits of alpha where this keeps 8: translucent ramps differ by a step.
        EXPECT_GT(psnr_against_libgd(fixtures::png(spec), {300, 200}, &decoded), 40.0)
            << static_cast<int>(c.type) << " at " << c.depth << " bits";
        // Shrunk while decoding to twice the output, not kept at 1200x900.
        EXPECT_EQ(decoded, (Size{600, 450}));
    }
}

TEST(Decode, PalettePngWithTransparencyMatchesLibgd) {
    PngSpec spec;
    spec.width = 900;
    spec.height = 600;
    spec.type = PngSpec::Type::kPalette;
    // Few colours, some transparent (tRNS).
    spec.colour = [](int x, int y) {
        return (x / 100 + y / 100) % 3 == 0
                   ? 0x00000000U
                   : 0xFF000000U | static_cast<uint32_t>(x / 100) * 0x1C0000U |
                         static_cast<uint32_t>(y / 100) * 0x2A00U;
    };
    EXPECT_GT(psnr_against_libgd(fixtures::png(spec), {300, 200}), 40.0);
}

void write_to_string(png_structp png, png_bytep data, size_t length) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}
void flush_nothing(png_structp /*png*/) {}

/// An Adam7-interlaced 8-bit RGBA PNG, written with libpng (the fixtures write no interlaced one).
std::string interlaced_png(int width, int height) {
    std::string out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 4);
    std::vector<png_bytep> rows(static_cast<size_t>(height));
    for (int y = 0; y < height; ++y) {
        rows[static_cast<size_t>(y)] = &pixels[static_cast<size_t>(y) * width * 4];
        for (int x = 0; x < width; ++x) {
            const uint32_t c = ramp(x, y);
            unsigned char* p = rows[static_cast<size_t>(y)] + x * 4;
            p[0] = static_cast<unsigned char>(c >> 16U);
            p[1] = static_cast<unsigned char>(c >> 8U);
            p[2] = static_cast<unsigned char>(c);
            p[3] = static_cast<unsigned char>(c >> 24U);
        }
    }
    if (setjmp(png_jmpbuf(png)) == 0) {
        png_set_write_fn(png, &out, write_to_string, flush_nothing);
        png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                     8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_ADAM7, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_set_rows(png, info, rows.data());
        png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
    }
    png_destroy_write_struct(&png, &info);
    return out;
}

TEST(Decode, APngChunkLongerThanTheFileFailsBeforeLibpngAllocatesIt) {
    PngSpec spec;
    spec.width = 64;
    spec.height = 48;
    spec.colour = [](int x, int y) { return ramp(x, y) | 0xFF000000U; };
    std::string png = fixtures::png(spec);
    // After the signature and IHDR (8 + 25 bytes): a tEXt chunk claiming 1.1 GB, then a few
    // bytes. libpng asked for the 1.1 GB before reading any (the image_decode fuzz target).
    png.insert(33, std::string("\x46\x20\x60\xc0tEXtd0\x01\x01", 12));
    const Failure failure = refusal(png, DecodeOptions{});
    EXPECT_EQ(failure.client_message().text(),
              ClientMessage::corrupt_image(gd::Format::kPng).text());
    EXPECT_NE(std::string(failure.detail()).find("the tEXt chunk claims 1176527040 bytes"),
              std::string::npos)
        << failure.detail();
}

TEST(Decode, InterlacedPngMatchesLibgdAndIsChargedWhole) {
    const std::string png = interlaced_png(1200, 900);
    EXPECT_GT(psnr_against_libgd(png, {300, 200}), 40.0);
    DecodeOptions small;
    small.memory_budget_mb = 8;
    // 1200x900 RGBA held whole is 4.1 MB: fits 8 MB; 3000x3000 (36 MB) does not.
    EXPECT_NO_THROW(decode_for(png, gd::Format::kPng, {300, 200}, small));
    const Failure failure = refusal(interlaced_png(3000, 3000), small);
    EXPECT_NE(std::string(failure.detail()).find("interlaced"), std::string::npos);
}

TEST(Decode, WebpIsScaledWhileDecoding) {
    gd::Image source = gd::Image::blank(1600, 1200);
    for (int y = 0; y < 1200; ++y) {
        for (int x = 0; x < 1600; ++x) {
            const uint32_t c = ramp(x, y);
            source.set_pixel(x, y, static_cast<int>(c >> 16U & 0xFFU),
                             static_cast<int>(c >> 8U & 0xFFU), static_cast<int>(c & 0xFFU));
        }
    }
    Size decoded;
    EXPECT_GT(psnr_against_libgd(source.encode_webp(90), {400, 300}, &decoded), 35.0);
    EXPECT_EQ(decoded, (Size{800, 600}));
}

TEST(Decode, GifWithAHugeLogicalScreenIsRefusedByTheBudget) {
    std::string gif = fixtures::animated_gif();
    // A 7000x7000 logical screen (49 MP, under PMS_MAX_PIXELS) around a 4x4 frame.
    gif[6] = gif[8] = static_cast<char>(7000 & 0xFF);
    gif[7] = gif[9] = static_cast<char>(7000 >> 8);
    const Failure failure = refusal(gif, DecodeOptions{});
    // The 49 MB palette screen, the 1400x1400 image its rows shrink to, the 600x600 output.
    EXPECT_EQ(failure.client_message().text(), "image needs 67 MB to decode, the budget is 64 MB");
}

TEST(Decode, ProgressiveJpegIsChargedItsCoefficients) {
    fixtures::JpegSpec spec;
    spec.width = 3000;
    spec.height = 2000;
    spec.colour = [](int x, int y) { return ramp(x % 1200, y % 900) | 0xFF000000U; };
    const std::string baseline = fixtures::jpeg(spec);
    spec.progressive = true;
    const std::string progressive = fixtures::jpeg(spec);

    jpeg::Decoder decoder(progressive);
    // 4:2:0: two bytes a coefficient, a luma one and half a chroma one a pixel.
    EXPECT_NEAR(static_cast<double>(decoder.header().coefficient_bytes) / (3000.0 * 2000.0), 3.0,
                0.05);
    EXPECT_EQ(jpeg::Decoder(baseline).header().coefficient_bytes, 0);

    DecodeOptions options;
    options.memory_budget_mb = 16;
    EXPECT_NO_THROW(decode_for(baseline, gd::Format::kJpeg, {800, 600}, options));
    const Failure failure = refusal(progressive, options);
    EXPECT_EQ(failure.client_message().text().rfind("image needs 2", 0), 0u)
        << failure.client_message().text();
    EXPECT_NE(std::string(failure.detail()).find("PMS_WORKER_MEMORY_BUDGET"), std::string::npos);
}

TEST(Decode, TheDecodedImageHoldsItsShareOfTheWorkersBudgetUntilDropped) {
    fixtures::JpegSpec spec;
    spec.width = 3000;
    spec.height = 2000;
    spec.colour = [](int x, int y) { return ramp(x % 1200, y % 900) | 0xFF000000U; };
    spec.progressive = true;
    DecodeOptions options;
    options.memory = std::make_shared<MemoryPool>(options.memory_budget_mb * 1024 * 1024);
    {
        const DecodedImage decoded =
            decode_for(fixtures::jpeg(spec), gd::Format::kJpeg, {800, 600}, options);
        // At least the 18 MB of coefficients, though they are freed by now: the estimate is
        // held until the output is encoded.
        EXPECT_GT(decoded.memory.bytes(), 18'000'000);
        EXPECT_EQ(options.memory->in_use(), decoded.memory.bytes());
    }
    EXPECT_EQ(options.memory->in_use(), 0);
    // A refused image holds nothing.
    options.memory_budget_mb = 16;
    refusal(fixtures::jpeg(spec), options);
    EXPECT_EQ(options.memory->in_use(), 0);
}

/// The peak resident memory (bytes above what was resident before) of decode_for() on `bytes`,
/// measured in a child process whose high-water mark is reset first; -1 when the kernel does
/// not let it.
int64_t peak_rss_of_decode(const std::string& bytes, Size box, const DecodeOptions& options) {
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0) {
        return -1;
    }
    const pid_t child = fork();
    if (child == 0) {
        auto status_kb = [](const char* field) {
            std::ifstream status("/proc/self/status");
            std::string line;
            while (std::getline(status, line)) {
                if (line.rfind(field, 0) == 0) {
                    return std::stoll(line.substr(std::string(field).size()));
                }
            }
            return -1LL;
        };
        int64_t peak = -1;
        // Free heap pages the parent left resident would be reused unseen: give them back.
        malloc_trim(0);
        if (std::ofstream("/proc/self/clear_refs") << "5" << std::flush) {
            const int64_t before = status_kb("VmRSS:");
            try {
                // Read while the image lives: the kernel updates the high-water mark on unmaps,
                // not when free() merely trims the heap.
                const DecodedImage decoded = decode_for(bytes, gd::sniff(bytes), box, options);
                peak = (status_kb("VmHWM:") - before) * 1024;
            } catch (...) {
                peak = -2;
            }
        }
        (void)!write(pipe_ends[1], &peak, sizeof peak);
        _exit(0);
    }
    close(pipe_ends[1]);
    int64_t peak = -1;
    if (read(pipe_ends[0], &peak, sizeof peak) != sizeof peak) {
        peak = -1;
    }
    close(pipe_ends[0]);
    waitpid(child, nullptr, 0);
    return peak;
}

TEST(Decode, PeakMemoryOfA49MegapixelPngFollowsTheOutput) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer's shadow and quarantine are not the decoder's memory";
#endif
    PngSpec spec;
    spec.width = 7000;
    spec.height = 7000;
    spec.type = PngSpec::Type::kRgba;
    spec.colour = [](int x, int y) { return ramp(x % 1200, y % 900); };
    const std::string png = fixtures::png(spec);
    const int64_t peak = peak_rss_of_decode(png, {800, 600}, DecodeOptions{});
    if (peak == -1) {
        GTEST_SKIP() << "cannot reset the peak RSS (/proc/self/clear_refs)";
    }
    ASSERT_NE(peak, -2) << "decode failed";
    // libgd held 7000x7000x4 = 196 MB (and libpng's rows); the shrunk image is 1400x1400x4.
    std::cout << "peak RSS of decoding a 7000x7000 RGBA PNG for 800x600: " << peak / 1024
              << " KB\n";
    EXPECT_LT(peak, 40 * 1024 * 1024);
}

}  // namespace
}  // namespace pms::worker
