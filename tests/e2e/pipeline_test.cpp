/// The whole pipeline: POST a product whose images are on a local origin, wait until the worker
/// has written back compressed URLs, download them from S3 and check what came out.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "worker/pipeline/gd_image.hpp"

namespace pms::e2e {
namespace {

/// A photo-like picture: smooth gradients, a few shapes and some grain, so that JPEG has real
/// work to do and a smaller output means compression happened.
gd::Image photo(int width, int height) {
    gd::Image image = gd::Image::blank(width, height);
    unsigned seed = 12345;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            seed = seed * 1103515245U + 12345U;
            const int grain = static_cast<int>((seed >> 16U) % 17U) - 8;
            const bool disc = std::hypot(x - width / 3, y - height / 2) < height / 4.0;
            const int r = disc ? 220 : x * 200 / width + 20;
            const int g = disc ? 60 : y * 180 / height + 30;
            const int b = (x + y) * 120 / (width + height) + 60;
            image.set_pixel(x, y, std::clamp(r + grain, 0, 255), std::clamp(g + grain, 0, 255),
                            std::clamp(b + grain, 0, 255));
        }
    }
    return image;
}

/// GETs the product until no image is pending or processing (bounded), returns the last body.
Json::Value wait_until_processed(const std::string& product_url, std::chrono::seconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    Json::Value product;
    while (std::chrono::steady_clock::now() < deadline) {
        const HttpResponse response = get(product_url);
        EXPECT_EQ(response.status, 200) << response.body;
        product = response.json();
        const std::string status = product["image_status"].asString();
        if (status != "pending" && status != "processing") {
            return product;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "images still not processed after " << bound.count()
                  << " s: " << product.toStyledString();
    return product;
}

struct Source {
    std::string url;
    std::string bytes;
    int width;
    int height;
};

void expect_compressed_version_of(const Source& source, const Json::Value& image_details,
                                  const std::string& compressed_url) {
    SCOPED_TRACE(source.url);
    const HttpResponse download = get(compressed_url);
    ASSERT_EQ(download.status, 200) << compressed_url;
    ASSERT_EQ(gd::sniff(download.body), gd::Format::kJpeg) << "the output is not a JPEG";
    const gd::Image output = gd::Image::decode(download.body);

    EXPECT_LE(output.width(), 800);
    EXPECT_LE(output.height(), 600);
    // Fitted, not just shrunk: one side reaches its bound.
    EXPECT_TRUE(output.width() == 800 || output.height() == 600)
        << output.width() << "x" << output.height();
    const double source_ratio = static_cast<double>(source.width) / source.height;
    const double output_ratio = static_cast<double>(output.width()) / output.height();
    // Rounding to whole pixels moves the ratio by at most one pixel's worth.
    EXPECT_NEAR(output_ratio, source_ratio,
                source_ratio / std::min(output.width(), output.height()));
    EXPECT_LT(download.body.size(), source.bytes.size());

    EXPECT_EQ(image_details["status"].asString(), "done");
    EXPECT_EQ(image_details["width"].asInt(), output.width());
    EXPECT_EQ(image_details["height"].asInt(), output.height());
    EXPECT_EQ(image_details["bytes"].asUInt64(), download.body.size());
}

TEST(Pipeline, ImagesAreCompressedIntoS3AndWrittenBack) {
    const long long user = create_user(unique("pipeline"));
    const std::string tag = unique("photo");
    Source landscape{"", photo(3000, 2000).encode_jpeg(92), 3000, 2000};
    landscape.url = publish_on_origin(tag + ".jpg", landscape.bytes);
    Source portrait{"", photo(2400, 3200).encode_png(), 2400, 3200};
    portrait.url = publish_on_origin(tag + ".png", portrait.bytes);

    const HttpResponse created = post_json(
        api_url() + "/api/v1/products",
        "{\"user_id\": " + std::to_string(user) +
            ", \"product_name\": \"Pipeline lamp\", \"product_description\": \"two photos\", "
            "\"product_price\": 49.90, \"product_images\": [\"" +
            landscape.url + "\", \"" + portrait.url + "\"]}");
    ASSERT_EQ(created.status, 201) << created.body;
    const Json::Value product = created.json();
    ASSERT_EQ(product["compressed_product_images"].size(), 2U);
    EXPECT_TRUE(product["compressed_product_images"][0].isNull());

    const Json::Value done =
        wait_until_processed(api_url() + created.header("location"), std::chrono::seconds(90));
    ASSERT_EQ(done["image_status"].asString(), "done") << done.toStyledString();
    const Json::Value& compressed = done["compressed_product_images"];
    ASSERT_EQ(compressed.size(), 2U);
    ASSERT_TRUE(compressed[0].isString() && compressed[1].isString()) << done.toStyledString();
    EXPECT_NE(compressed[0].asString(), compressed[1].asString());
    EXPECT_EQ(done["product_images"][0].asString(), landscape.url);
    expect_compressed_version_of(landscape, done["images"][0], compressed[0].asString());
    expect_compressed_version_of(portrait, done["images"][1], compressed[1].asString());
}

TEST(Pipeline, AMissingImageIsMarkedFailedAndTheOthersStillComplete) {
    const long long user = create_user(unique("pipeline"));
    const std::string tag = unique("missing");
    const std::string present = publish_on_origin(tag + ".jpg", photo(1200, 900).encode_jpeg(90));
    const std::string absent = origin_url() + "/" + tag + "-absent.jpg";

    const HttpResponse created = post_json(
        api_url() + "/api/v1/products",
        "{\"user_id\": " + std::to_string(user) +
            ", \"product_name\": \"Half there\", \"product_price\": 5, \"product_images\": [\"" +
            absent + "\", \"" + present + "\"]}");
    ASSERT_EQ(created.status, 201) << created.body;

    const Json::Value done =
        wait_until_processed(api_url() + created.header("location"), std::chrono::seconds(90));
    EXPECT_EQ(done["image_status"].asString(), "partial") << done.toStyledString();
    EXPECT_EQ(done["images"][0]["status"].asString(), "failed");
    EXPECT_NE(done["images"][0]["error"].asString().find("404"), std::string::npos)
        << "the error should say what went wrong: " << done["images"][0]["error"];
    EXPECT_TRUE(done["compressed_product_images"][0].isNull());
    EXPECT_EQ(done["images"][1]["status"].asString(), "done");
    EXPECT_TRUE(done["compressed_product_images"][1].isString());
}

}  // namespace
}  // namespace pms::e2e
