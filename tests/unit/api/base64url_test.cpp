#include "fcgi/auth/base64url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using pms::api::auth::base64url_decode;
using pms::api::auth::base64url_encode;

TEST(Base64url, EncodesTheRfc4648VectorsWithoutPadding) {
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
    EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    // The two characters that differ from base64: '-' for 62, '_' for 63.
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64url, DecodesWhatItEncodes) {
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    for (std::size_t size = 0; size <= all.size(); ++size) {
        const std::string bytes = all.substr(all.size() - size);
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << size;
    }
    EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
    EXPECT_EQ(base64url_decode(""), "");
}

TEST(Base64url, RefusesPadding) {
    EXPECT_FALSE(base64url_decode("Zg=="));
    EXPECT_FALSE(base64url_decode("Zm8="));
}

TEST(Base64url, RefusesCharactersOutsideTheAlphabet) {
    EXPECT_FALSE(base64url_decode("+_8"));
    EXPECT_FALSE(base64url_decode("-/8"));
    EXPECT_FALSE(base64url_decode("Zm9v Yg"));
    EXPECT_FALSE(base64url_decode("Zm9v\nYg"));
    EXPECT_FALSE(base64url_decode("Zm9v.Yg"));
    EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
    EXPECT_FALSE(base64url_decode("Zm9v\xc3\xa9"));
}

TEST(Base64url, RefusesImpossibleLengths) {
    EXPECT_FALSE(base64url_decode("Z"));
    EXPECT_FALSE(base64url_decode("Zm9vY"));
}

TEST(Base64url, RefusesNonZeroUnusedBits) {
    // "Zg" is "f"; "Zh" has the same first byte with a 1 in the four bits nobody uses.
    EXPECT_FALSE(base64url_decode("Zh"));
    EXPECT_FALSE(base64url_decode("Zm9"));
}

}  // namespace
