/// Writes the generated seeds of the corpora: small images of every kind the unit tests know
/// (image_fixtures.hpp), the Exif blocks they use, and tokens signed with the jwt target's keys.
/// Usage: pms-fuzz-seeds CORPUS_DIR   (tests/fuzz/corpus; files are named gen-*, overwritten)
#include <json/json.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

#include "fuzz_keys.hpp"
#include "image_fixtures.hpp"
#include "tests/support/jwt_sign.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace {

namespace fx = pms::worker::fixtures;

std::string g_root;

void put(const std::string& target, const std::string& name, const std::string& bytes) {
    const std::string path = g_root + "/" + target + "/gen-" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

/// An image for both image targets.
void put_image(const std::string& name, const std::string& bytes) {
    put("image_decode", name, bytes);
    put("image_probe", name, bytes);
}

uint32_t gradient(int x, int y) {
    return 0xFF000000U | static_cast<uint32_t>(x * 16) << 16U | static_cast<uint32_t>(y * 16) << 8U;
}

/// Four colours, some translucent: fits a palette and exercises the compositing on white.
uint32_t quadrants(int x, int y) {
    const uint32_t colours[] = {0xFFFF0000U, 0x8000FF00U, 0xFF0000FFU, 0x00FFFFFFU};
    return colours[(x < 4 ? 0 : 1) + (y < 3 ? 0 : 2)];
}

void images() {
    fx::JpegSpec jpeg;
    jpeg.width = 12;
    jpeg.height = 9;
    jpeg.colour = gradient;
    put_image("rgb.jpg", fx::jpeg(jpeg));
    jpeg.progressive = true;
    put_image("progressive.jpg", fx::jpeg(jpeg));
    jpeg.progressive = false;
    jpeg.kind = fx::JpegSpec::Kind::kGrey;
    put_image("grey.jpg", fx::jpeg(jpeg));
    jpeg.kind = fx::JpegSpec::Kind::kAdobeCmyk;
    put_image("cmyk.jpg", fx::jpeg(jpeg));
    jpeg.kind = fx::JpegSpec::Kind::kRgb;
    jpeg.exif_orientation = 6;
    put_image("exif6.jpg", fx::jpeg(jpeg));

    fx::PngSpec png;
    png.width = 8;
    png.height = 6;
    png.colour = quadrants;
    for (const auto& [type, name] :
         {std::pair{fx::PngSpec::Type::kGrey, "grey"}, std::pair{fx::PngSpec::Type::kRgb, "rgb"},
          std::pair{fx::PngSpec::Type::kPalette, "palette"},
          std::pair{fx::PngSpec::Type::kGreyAlpha, "grey-alpha"},
          std::pair{fx::PngSpec::Type::kRgba, "rgba"}}) {
        png.type = type;
        png.bit_depth = 8;
        put_image(std::string(name) + ".png", fx::png(png));
        if (type != fx::PngSpec::Type::kPalette) {
            png.bit_depth = 16;
            put_image(std::string(name) + "16.png", fx::png(png));
        }
    }
    put_image("bomb.png", fx::png_header_only(100'000, 100'000));
    put_image("animated.gif", fx::animated_gif());

    pms::gd::Image blank = pms::gd::Image::blank(8, 6);
    blank.set_pixel(1, 1, 200, 10, 10);
    put_image("lossy.webp", blank.encode_webp(50));
}

void exif() {
    for (int orientation = 1; orientation <= 8; ++orientation) {
        put("exif", "intel-" + std::to_string(orientation), fx::exif_tiff(orientation, false));
        put("exif", "motorola-" + std::to_string(orientation), fx::exif_tiff(orientation, true));
    }
}

void tokens() {
    Json::Value claims(Json::objectValue);
    claims["sub"] = "42";
    claims["exp"] = Json::Int64{4'102'444'800};  // 2100
    claims["nbf"] = Json::Int64{1'600'000'000};
    claims["aud"] = pms::fuzz::kAudience;
    claims["iss"] = pms::fuzz::kIssuer;
    claims["role"] = "admin";
    const auto rsa = pms::test::private_key_from_pem(pms::fuzz::kRsaPrivateKeyPem);
    const auto ec = pms::test::private_key_from_pem(pms::fuzz::kEcPrivateKeyPem);

    put("jwt", "hs256", pms::test::sign_hs256(claims, pms::fuzz::kHs256Secret));
    Json::Value rsa_kid(Json::objectValue);
    rsa_kid["kid"] = pms::fuzz::kRsaKid;
    put("jwt", "rs256-kid", pms::test::sign_rs256(claims, rsa.get(), rsa_kid));
    put("jwt", "rs256", pms::test::sign_rs256(claims, rsa.get()));
    Json::Value ec_kid(Json::objectValue);
    ec_kid["kid"] = pms::fuzz::kEcKid;
    put("jwt", "es256-kid", pms::test::sign_es256(claims, ec.get(), ec_kid));

    Json::Value audiences(Json::arrayValue);
    audiences.append("other");
    audiences.append(pms::fuzz::kAudience);
    Json::Value user = claims;
    user["aud"] = audiences;
    user["role"] = "user";
    user.removeMember("nbf");
    put("jwt", "hs256-aud-array", pms::test::sign_hs256(user, pms::fuzz::kHs256Secret));
    Json::Value expired = claims;
    expired["exp"] = 1'000'000'000;
    put("jwt", "es256-expired", pms::test::sign_es256(expired, ec.get()));
    Json::Value none(Json::objectValue);
    none["alg"] = "none";
    put("jwt", "alg-none", pms::test::sign_hs256(claims, pms::fuzz::kHs256Secret, none));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: pms-fuzz-seeds CORPUS_DIR\n";
        return 2;
    }
    g_root = argv[1];
    try {
        images();
        exif();
        tokens();
    } catch (const std::exception& error) {
        std::cerr << "pms-fuzz-seeds: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
