/// Fit, orientation, the pixel limit and the choice of the DCT scale.
#include "worker/pipeline/image_geometry.hpp"

#include <gtest/gtest.h>

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

TEST(Orientation, FiveToEightTurnByNinetyDegrees) {
    for (int orientation = 1; orientation <= 8; ++orientation) {
        const bool turns = orientation >= 5;
        EXPECT_EQ(swaps_axes(orientation), turns) << orientation;
        EXPECT_EQ(oriented(Size{4000, 3000}, orientation),
                  turns ? (Size{3000, 4000}) : (Size{4000, 3000}))
            << orientation;
    }
    EXPECT_FALSE(swaps_axes(0));
    EXPECT_FALSE(swaps_axes(9));
}

TEST(Orientation, StoredTargetFitsTheUprightImage) {
    // A phone's portrait photo stored as landscape: upright it is 3000x4000, which fits as
    // 450x600; stored, that is 600x450.
    EXPECT_EQ(stored_target(Size{4000, 3000}, 6, Size{800, 600}), (Size{600, 450}));
    EXPECT_EQ(stored_target(Size{4000, 3000}, 1, Size{800, 600}), (Size{800, 600}));
    EXPECT_EQ(stored_target(Size{4000, 3000}, 3, Size{800, 600}), (Size{800, 600}));
}

TEST(PixelLimit, RefusesMoreThanTheLimitWithTheSizeInTheMessage) {
    EXPECT_NO_THROW(check_pixel_limit(Size{5000, 10000}, 50'000'000, gd::Format::kPng));
    try {
        check_pixel_limit(Size{60000, 60000}, 50'000'000, gd::Format::kPng);
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent());
        EXPECT_EQ(failure.client_message().text(),
                  "image too large: 60000x60000 pixels is more than 50000000");
        // The setting's name is the operator's business.
        EXPECT_STREQ(failure.detail(),
                     "image too large: 60000x60000 pixels is more than 50000000 (PMS_MAX_PIXELS)");
    }
}

TEST(PixelLimit, EmptyImagesAreCorrupt) {
    try {
        check_pixel_limit(Size{0, 100}, 50'000'000, gd::Format::kGif);
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_TRUE(failure.permanent());
        EXPECT_EQ(failure.client_message().text(), "corrupt gif image");
        EXPECT_STREQ(failure.detail(), "corrupt gif image: it claims 0x100 pixels");
    }
}

TEST(ShrinkOnLoad, SmallestScaleStillCoveringTheTarget) {
    // 12 MP to 800x600: 1/8 gives 500x375, 2/8 gives 1000x750.
    EXPECT_EQ(shrink_on_load_scale(Size{4000, 3000}, Size{800, 600}), 2);
    // 3000x2000 to 800x533: 2/8 gives 750x500, too small; 3/8 gives 1125x750.
    EXPECT_EQ(shrink_on_load_scale(Size{3000, 2000}, Size{800, 533}), 3);
    // Exactly 1/8 of the size is enough.
    EXPECT_EQ(shrink_on_load_scale(Size{6400, 4800}, Size{800, 600}), 1);
    // libjpeg rounds scaled sizes up: 801 * 1/8 = 100.1 -> 101.
    EXPECT_EQ(shrink_on_load_scale(Size{801, 9}, Size{101, 2}), 1);
}

TEST(ShrinkOnLoad, FullSizeWhenNoScaleIsBigEnough) {
    EXPECT_EQ(shrink_on_load_scale(Size{800, 600}, Size{800, 600}), 8);
    EXPECT_EQ(shrink_on_load_scale(Size{900, 600}, Size{800, 533}), 8);
}

}  // namespace
}  // namespace pms::worker
