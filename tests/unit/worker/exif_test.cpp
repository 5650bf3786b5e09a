/// The Exif orientation reader, over well-formed and hostile TIFF structures.
#include "worker/pipeline/exif.hpp"

#include <gtest/gtest.h>

#include "image_fixtures.hpp"

namespace pms::worker {
namespace {

using namespace std::string_literals;

TEST(ExifOrientation, ReadsBothByteOrders) {
    for (int orientation = 1; orientation <= 8; ++orientation) {
        EXPECT_EQ(exif_orientation(fixtures::exif_tiff(orientation)), orientation);
        EXPECT_EQ(exif_orientation(fixtures::exif_tiff(orientation, /*big_endian=*/true)),
                  orientation);
    }
}

TEST(ExifOrientation, OutOfRangeValuesMeanAsStored) {
    EXPECT_EQ(exif_orientation(fixtures::exif_tiff(0)), 1);
    EXPECT_EQ(exif_orientation(fixtures::exif_tiff(9)), 1);
    EXPECT_EQ(exif_orientation(fixtures::exif_tiff(0xFFFF)), 1);
}

TEST(ExifOrientation, MalformedStructuresMeanAsStored) {
    const std::string good = fixtures::exif_tiff(6);
    EXPECT_EQ(exif_orientation(""), 1);
    EXPECT_EQ(exif_orientation("XX*\0\x08\0\0\0"s), 1);  // no byte order mark
    // Every truncation: never read past the end.
    for (size_t length = 0; length < 22; ++length) {
        EXPECT_EQ(exif_orientation(good.substr(0, length)), 1) << length;
    }
    // IFD0 offset far outside the data.
    std::string far = good;
    far[4] = '\xff';
    far[5] = '\xff';
    EXPECT_EQ(exif_orientation(far), 1);
    // An entry count much larger than the data holds.
    std::string many = good;
    many[8] = '\xff';
    many[9] = '\xff';
    EXPECT_EQ(exif_orientation(many), 6) << "the orientation entry comes first";
    many[10] = '\x00';  // and now it is not the orientation tag
    EXPECT_EQ(exif_orientation(many), 1);
}

TEST(ExifOrientation, WrongTypeIsIgnored) {
    std::string tiff = fixtures::exif_tiff(6);
    tiff[12] = 4;  // LONG instead of SHORT
    EXPECT_EQ(exif_orientation(tiff), 1);
}

}  // namespace
}  // namespace pms::worker
