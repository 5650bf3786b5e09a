/// Every way a source image can fail, through the API: the error recorded on the image, the
/// attempts it took, and the dead-lettered message.
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "image_fixtures.hpp"
#include "tests/e2e/stack.hpp"
#include "worker_stack.hpp"

namespace pms::e2e::worker {
namespace {

uint32_t grey(int, int) {
    return 0xFF808080U;
}

/// A source URL and how it must fail: the error recorded, after how many deliveries
/// (permanent failures: one).
struct Expected {
    std::string url;
    std::string error;
    int attempts = 1;
};

std::vector<std::string> urls_of(const std::vector<Expected>& cases) {
    std::vector<std::string> urls;
    urls.reserve(cases.size());
    for (const Expected& c : cases) {
        urls.push_back(c.url);
    }
    return urls;
}

/// The first images of the processed product failed as `cases` say, in order.
void expect_failures(const Product& product, const Json::Value& done,
                     const std::vector<Expected>& cases) {
    ASSERT_GE(done["images"].size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto position = static_cast<int>(i);
        const Json::Value& image = done["images"][position];
        SCOPED_TRACE(cases[i].url);
        EXPECT_EQ(image["status"].asString(), "failed");
        EXPECT_EQ(image["error"].asString(), cases[i].error);
        EXPECT_TRUE(done["compressed_product_images"][position].isNull());
        EXPECT_EQ(job_row(product, position).attempts, cases[i].attempts);
    }
}

/// The origin's URL on another host spelling (same port).
std::string origin_on(const std::string& host) {
    const std::string url = origin_url();  // http://127.0.0.1:PORT
    return "http://" + host + url.substr(url.rfind(':'));
}

TEST(WorkerFailures, EachFailureIsRecordedWithItsError) {
    const std::string tag = unique("fail");
    fixtures::JpegSpec spec;
    spec.width = 800;
    spec.height = 600;
    spec.colour = grey;
    const std::string jpeg = fixtures::jpeg(spec);
    // One byte over PMS_FETCH_MAX_BYTES (the stack keeps the 25 MiB default).
    const std::string big = origin_dir() + "/" + tag + "-big.jpg";
    {
        std::ofstream file(big, std::ios::binary);
        file << jpeg;
        file.seekp(26214400);
        file.put('\0');
    }
    const std::vector<Expected> cases = {
        {origin_url() + "/" + tag + "-absent.jpg", "download failed: HTTP 404"},
        {publish_on_origin(tag + "-text.jpg", "<html>this is not a picture</html>"),
         "not an image: the bytes are not JPEG, PNG, GIF or WebP"},
        {publish_on_origin(tag + "-bomb.png", fixtures::png_header_only(60000, 60000)),
         "image too large: 60000x60000 pixels is more than 50000000"},
        {publish_on_origin(tag + "-truncated.jpg", jpeg.substr(0, jpeg.size() / 2)),
         "corrupt jpeg image"},
        {origin_url() + "/" + tag + "-big.jpg", "download too large: more than 26214400 bytes"},
        {origin_url() + "/loop", "download failed: too many redirects"},
        // Retried twice, 2 s and 8 s later (PMS_WORKER_RETRY_DELAY), before it is final.
        {origin_url() + "/status/500", "download failed: HTTP 500", 3},
    };
    const Product product = create_product(urls_of(cases));
    const Json::Value done = wait_until_processed(product, std::chrono::seconds(90));
    std::remove(big.c_str());
    EXPECT_EQ(done["image_status"].asString(), "failed") << done.toStyledString();
    expect_failures(product, done, cases);
    EXPECT_TRUE(s3_keys(product).empty());
    // The final failure dead-letters the message, permanent or transient.
    EXPECT_TRUE(take_dead_letter(job_row(product, 0).id, std::chrono::seconds(10)));
    EXPECT_TRUE(take_dead_letter(job_row(product, 6).id, std::chrono::seconds(10)));
}

TEST(WorkerFailures, AddressesOutsideTheAllowListAreRefusedOnLoopback) {
    // The stack allows 127.0.0.1 only (PMS_FETCH_ALLOW); everything else on loopback must be
    // refused before connecting, however the address is written or reached.
    const std::string tag = unique("ssrf");
    publish_on_origin(tag + ".jpg", [] {
        fixtures::JpegSpec spec;
        spec.colour = grey;
        return fixtures::jpeg(spec);
    }());
    const std::string path = "/" + tag + ".jpg";
    // Clients are not told which address was refused (the worker's log says).
    const std::string refused = "address not allowed";
    const std::vector<Expected> cases = {
        {origin_on("127.0.0.2") + path, refused},
        {origin_url() + "/to-127.0.0.2" + path, refused},  // a redirect from the allowed origin
        {origin_on("[::1]") + path, refused},
        {origin_on("2130706434") + path, refused},          // 127.0.0.2 as one number
        {origin_on("0x7f000002") + path, refused},          // ... in hex
        {origin_on("127.2") + path, refused},               // ... in the short dotted form
        {origin_on("[::ffff:127.0.0.1]") + path, refused},  // the allowed address, IPv4-mapped
        {origin_on("0.0.0.0") + path, refused},
    };
    std::vector<std::string> urls = urls_of(cases);
    urls.push_back(origin_url() + path);  // the allowed address itself
    const Product product = create_product(urls);
    const Json::Value done = wait_until_processed(product);
    EXPECT_EQ(done["image_status"].asString(), "partial") << done.toStyledString();
    expect_failures(product, done, cases);
    EXPECT_EQ(done["images"][static_cast<int>(cases.size())]["status"].asString(), "done");
}

}  // namespace
}  // namespace pms::e2e::worker
