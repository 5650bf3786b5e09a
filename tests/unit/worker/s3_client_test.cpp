/// S3 keys and URLs, and the PUT the client sends (checked on a canned server on 127.0.0.1),
/// including an independent check of libcurl's SigV4 signature.
#include "worker/pipeline/s3_client.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "test_http_server.hpp"
#include "worker/pipeline/curl.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/sha256.hpp"

namespace pms::worker {
namespace {

using testing::TestHttpServer;

S3Settings settings_for(const std::string& endpoint) {
    S3Settings s;
    s.endpoint = endpoint;
    s.bucket = "pms-images";
    s.region = "us-east-1";
    s.access_key = "AKIDEXAMPLE";
    s.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    s.timeout = std::chrono::seconds(5);
    return s;
}

TEST(S3Names, KeyIsContentAddressedUnderTheProduct) {
    EXPECT_EQ(object_key(17, "ab12", "jpg"), "products/17/ab12.jpg");
}

TEST(S3Names, PathStyleObjectUrl) {
    EXPECT_EQ(object_url(settings_for("http://127.0.0.1:9000"), "products/1/x.jpg"),
              "http://127.0.0.1:9000/pms-images/products/1/x.jpg");
    EXPECT_EQ(object_url(settings_for("http://127.0.0.1:9000/"), "products/1/x.jpg"),
              "http://127.0.0.1:9000/pms-images/products/1/x.jpg");
}

TEST(S3Names, PublicUrlDefaultsToEndpointAndBucket) {
    S3Settings s = settings_for("http://127.0.0.1:9000");
    EXPECT_EQ(public_object_url(s, "products/1/x.jpg"),
              "http://127.0.0.1:9000/pms-images/products/1/x.jpg");
    s.public_url = "https://cdn.example.com/images/";
    EXPECT_EQ(public_object_url(s, "products/1/x.jpg"),
              "https://cdn.example.com/images/products/1/x.jpg");
}

std::string hmac(const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string hex(const std::string& bytes) {
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(kHex[c >> 4U]);
        out.push_back(kHex[c & 0xFU]);
    }
    return out;
}

/// The value after `name=` in an Authorization header, up to the next comma.
std::string auth_part(const std::string& authorization, const std::string& name) {
    const size_t at = authorization.find(name + "=");
    if (at == std::string::npos) {
        return {};
    }
    const size_t start = at + name.size() + 1;
    return authorization.substr(start, authorization.find(',', start) - start);
}

/// Recomputes the AWS SigV4 signature of `request` from what was sent (AWS's published
/// algorithm), so a wrong signature from libcurl would show here and not only on real S3.
std::string expected_signature(const testing::Request& request, const S3Settings& s) {
    const std::string authorization = request.header("Authorization");
    const std::string signed_headers = auth_part(authorization, "SignedHeaders");
    const std::string credential = auth_part(authorization, "Credential");
    const std::string date = request.header("x-amz-date");
    std::ostringstream canonical;
    canonical << request.method << "\n"
              << request.target << "\n"
              << "\n";
    std::stringstream names(signed_headers);
    std::string name;
    while (std::getline(names, name, ';')) {
        canonical << name << ":" << request.header(name) << "\n";
    }
    canonical << "\n" << signed_headers << "\n" << request.header("x-amz-content-sha256");
    const std::string day = date.substr(0, 8);
    const std::string scope = day + "/" + s.region + "/s3/aws4_request";
    const std::string to_sign =
        "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256_hex(canonical.str());
    std::string key = hmac("AWS4" + s.secret_key, day);
    key = hmac(key, s.region);
    key = hmac(key, "s3");
    key = hmac(key, "aws4_request");
    EXPECT_EQ(credential, s.access_key + "/" + scope);
    return hex(hmac(key, to_sign));
}

class S3ClientTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { static curl::Global global; }
};

TEST_F(S3ClientTest, PutsTheBodyWithHeadersAndAValidSignature) {
    TestHttpServer server([](const testing::Request&) {
        return TestHttpServer::response(200, "", "ETag: \"x\"\r\n");
    });
    const S3Settings s = settings_for("http://127.0.0.1:" + std::to_string(server.port()));
    S3Client client(s);
    const std::string body(70000, 'j');
    S3Object object;
    object.sha256_hex = sha256_hex(body);
    object.key = object_key(5, object.sha256_hex, "jpg");
    object.body = body;
    object.content_type = "image/jpeg";
    object.cache_control = std::string(kImmutableCacheControl);
    client.put(object);

    ASSERT_EQ(server.requests().size(), 1U);
    const testing::Request request = server.requests()[0];
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(request.target, "/pms-images/products/5/" + object.sha256_hex + ".jpg");
    EXPECT_EQ(request.body, body);
    EXPECT_EQ(request.header("Content-Type"), "image/jpeg");
    EXPECT_EQ(request.header("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(request.header("x-amz-content-sha256"), object.sha256_hex);

    const std::string authorization = request.header("Authorization");
    ASSERT_EQ(authorization.rfind("AWS4-HMAC-SHA256 ", 0), 0U) << authorization;
    const std::string signed_headers = auth_part(authorization, "SignedHeaders");
    EXPECT_NE(signed_headers.find("host"), std::string::npos) << signed_headers;
    EXPECT_NE(signed_headers.find("x-amz-content-sha256"), std::string::npos) << signed_headers;
    EXPECT_NE(signed_headers.find("x-amz-date"), std::string::npos) << signed_headers;
    EXPECT_EQ(auth_part(authorization, "Signature"), expected_signature(request, s));
}

TEST_F(S3ClientTest, ErrorsAreTransientAndNameTheS3Code) {
    TestHttpServer server([](const testing::Request&) {
        return TestHttpServer::response(
            403, "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code></Error>");
    });
    S3Client client(settings_for("http://127.0.0.1:" + std::to_string(server.port())));
    S3Object object;
    object.key = "products/1/a.jpg";
    object.body = "x";
    object.sha256_hex = sha256_hex("x");
    object.content_type = "image/jpeg";
    try {
        client.put(object);
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_FALSE(failure.permanent());
        EXPECT_EQ(failure.client_message().text(), "upload failed");
        EXPECT_STREQ(failure.detail(), "upload to S3 failed: HTTP 403 SignatureDoesNotMatch");
    }
}

TEST_F(S3ClientTest, UnreachableStoreIsTransient) {
    const std::string port = std::to_string(testing::closed_port());
    S3Client client(settings_for("http://127.0.0.1:" + port));
    S3Object object;
    object.key = "products/1/a.jpg";
    object.body = "x";
    object.sha256_hex = sha256_hex("x");
    object.content_type = "image/jpeg";
    try {
        client.put(object);
        FAIL() << "no failure";
    } catch (const Failure& failure) {
        EXPECT_FALSE(failure.permanent());
        // The store's address and port are for the log only.
        EXPECT_EQ(failure.client_message().text(), "upload failed");
        const std::string detail = failure.detail();
        EXPECT_EQ(detail.rfind("upload to S3 failed: ", 0), 0U) << detail;
        EXPECT_NE(detail.find(port), std::string::npos) << detail;
    }
}

}  // namespace
}  // namespace pms::worker
