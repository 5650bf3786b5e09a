/// The Lanczos resampler: sizes, flat areas, edges, and what it does to detail it cannot keep.
#include "worker/pipeline/resample.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace pms::worker {
namespace {

gd::Image filled(int width, int height, int colour) {
    gd::Image image = gd::Image::truecolor(width, height);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            image.row(y)[x] = colour;
        }
    }
    return image;
}

TEST(Resample, GivesTheRequestedSize) {
    const gd::Image out = resample(filled(1000, 750, 0x123456), 800, 600);
    EXPECT_EQ(out.width(), 800);
    EXPECT_EQ(out.height(), 600);
    const gd::Image thin = resample(filled(5000, 3, 0x123456), 800, 1);
    EXPECT_EQ(thin.width(), 800);
    EXPECT_EQ(thin.height(), 1);
}

TEST(Resample, FlatColourStaysExactlyTheSameAndOpaque) {
    for (const auto& [width, height] :
         {std::pair{1000, 750}, std::pair{2000, 1500}, std::pair{6000, 200}, std::pair{801, 601}}) {
        const gd::Image out = resample(filled(width, height, 0x3C78B4), 800, 150);
        for (int y = 0; y < out.height(); y += 7) {
            for (int x = 0; x < out.width(); x += 7) {
                ASSERT_EQ(out.row(y)[x], 0x3C78B4)
                    << width << "x" << height << " at " << x << "," << y;
            }
        }
    }
}

TEST(Resample, SameSizeIsTheIdentity) {
    gd::Image source = filled(40, 30, 0x000000);
    for (int y = 0; y < 30; ++y) {
        for (int x = 0; x < 40; ++x) {
            source.row(y)[x] = (x * 6) << 16 | (y * 8) << 8 | ((x + y) * 3);
        }
    }
    const gd::Image out = resample(source, 40, 30);
    for (int y = 0; y < 30; ++y) {
        for (int x = 0; x < 40; ++x) {
            ASSERT_EQ(out.row(y)[x], source.row(y)[x]) << x << "," << y;
        }
    }
}

TEST(Resample, FineDetailItCannotHoldBecomesItsAverage) {
    // One-pixel black and white stripes shrunk by 5: an aliasing filter shows stripes.
    gd::Image stripes = gd::Image::truecolor(1000, 100);
    for (int y = 0; y < 100; ++y) {
        for (int x = 0; x < 1000; ++x) {
            stripes.row(y)[x] = x % 2 == 0 ? 0xFFFFFF : 0x000000;
        }
    }
    const gd::Image out = resample(stripes, 200, 20);
    for (int x = 3; x < 197; ++x) {
        EXPECT_NEAR(out.row(10)[x] & 0xFF, 128, 6) << x;
    }
}

TEST(Resample, EdgesStaySharpAndClamped) {
    // Half black, half white: Lanczos overshoots near the edge; values must stay in 0-255
    // and far from the edge keep their colour exactly.
    gd::Image edge = gd::Image::truecolor(1000, 10);
    for (int y = 0; y < 10; ++y) {
        for (int x = 0; x < 1000; ++x) {
            edge.row(y)[x] = x < 500 ? 0x000000 : 0xFFFFFF;
        }
    }
    const gd::Image out = resample(edge, 400, 4);
    EXPECT_EQ(out.row(2)[10], 0x000000);
    EXPECT_EQ(out.row(2)[390], 0xFFFFFF);
    // The transition is at most a few pixels wide.
    EXPECT_LT(out.row(2)[195] & 0xFF, 16);
    EXPECT_GT(out.row(2)[205] & 0xFF, 240);
}

TEST(Resample, LargeFactorsShrinkByABoxFirst) {
    // 20x in each direction (a box of 10x10, then Lanczos 2x): flat stays flat, stripes average.
    const gd::Image flat = resample(filled(8000, 6000, 0x808080), 400, 300);
    EXPECT_EQ(flat.row(150)[200], 0x808080);
    gd::Image checks = gd::Image::truecolor(4000, 4000);
    for (int y = 0; y < 4000; ++y) {
        for (int x = 0; x < 4000; ++x) {
            checks.row(y)[x] = (x + y) % 2 == 0 ? 0xFFFFFF : 0x000000;
        }
    }
    const gd::Image out = resample(checks, 100, 100);
    EXPECT_NEAR(out.row(50)[50] & 0xFF, 128, 4);
}

}  // namespace
}  // namespace pms::worker
