#pragma once
/// Uploads compressed images to an S3-compatible store with a path-style PUT signed by libcurl
/// (AWS SigV4), and names them: content-addressed keys and the public URLs written back.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "worker/pipeline/curl.hpp"

namespace pms::worker {

struct S3Settings {
    std::string endpoint;  ///< e.g. http://127.0.0.1:9000 (no trailing slash needed)
    std::string bucket;
    std::string region;
    std::string access_key;  ///< "" sends unsigned requests
    std::string secret_key;
    std::string public_url;  ///< base of the URLs clients see; "" for endpoint/bucket
    std::chrono::seconds timeout{60};
};

/// An object to store.
struct S3Object {
    std::string key;
    std::string_view body;
    std::string sha256_hex;  ///< of body: signed payload hash (x-amz-content-sha256)
    std::string content_type;
    std::string cache_control;
};

/// Cache-Control of every upload: keys are content-addressed, so an object never changes.
inline constexpr std::string_view kImmutableCacheControl = "public, max-age=31536000, immutable";

/// products/<product_id>/<sha256 of the output>.<extension>
std::string object_key(int64_t product_id, std::string_view sha256_hex, std::string_view extension);
/// <endpoint>/<bucket>/<key>: the path-style URL the PUT goes to.
std::string object_url(const S3Settings& settings, std::string_view key);
/// <public_url or endpoint/bucket>/<key>: the compressed URL written back.
std::string public_object_url(const S3Settings& settings, std::string_view key);

/// Where outputs are stored (an interface so that job tests can stand in for S3).
class ObjectStore {
public:
    virtual ~ObjectStore() = default;
    /// Stores the object; throws a transient Failure when the store is down or refuses it.
    virtual void put(const S3Object& object) = 0;
    virtual std::string public_url(std::string_view key) const = 0;
};

class S3Client final : public ObjectStore {
public:
    explicit S3Client(S3Settings settings);

    void put(const S3Object& object) override;
    std::string public_url(std::string_view key) const override {
        return public_object_url(settings_, key);
    }

private:
    S3Settings settings_;
    std::string sigv4_;    ///< "aws:amz:<region>:s3"
    std::string userpwd_;  ///< "<access>:<secret>"
    curl::Easy easy_;      // reused: keeps the connection to the store between uploads
};

}  // namespace pms::worker
