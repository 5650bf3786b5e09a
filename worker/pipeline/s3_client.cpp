/// S3 PUT Object over libcurl with CURLOPT_AWS_SIGV4.
#include "worker/pipeline/s3_client.hpp"

#include <algorithm>
#include <cstring>

#include "worker/pipeline/failure.hpp"

namespace pms::worker {

namespace {

std::string without_trailing_slashes(std::string text) {
    while (!text.empty() && text.back() == '/') {
        text.pop_back();
    }
    return text;
}

/// Feeds the body of an upload to libcurl from memory.
struct Upload {
    std::string_view body;
    size_t offset = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const size_t length = std::min(size * count, upload->body.size() - upload->offset);
    std::memcpy(buffer, upload->body.data() + upload->offset, length);
    upload->offset += length;
    return length;
}

/// The response body (S3's XML error), kept short for the log.
size_t keep_response(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<std::string*>(user);
    const size_t length = size * count;
    if (response->size() < 1024) {
        response->append(data, std::min(length, 1024 - response->size()));
    }
    return length;
}

/// The <Code> of an S3 error document, or "".
std::string s3_error_code(const std::string& xml) {
    const auto begin = xml.find("<Code>");
    const auto end = xml.find("</Code>");
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
        return {};
    }
    return xml.substr(begin + 6, end - begin - 6);
}

}  // namespace

std::string object_key(int64_t product_id, std::string_view sha256_hex,
                       std::string_view extension) {
    std::string key = "products/" + std::to_string(product_id) + "/";
    key.append(sha256_hex);
    key.push_back('.');
    key.append(extension);
    return key;
}

std::string object_url(const S3Settings& settings, std::string_view key) {
    std::string url = without_trailing_slashes(settings.endpoint) + "/" + settings.bucket + "/";
    url.append(key);
    return url;
}

std::string public_object_url(const S3Settings& settings, std::string_view key) {
    std::string base = settings.public_url.empty()
                           ? without_trailing_slashes(settings.endpoint) + "/" + settings.bucket
                           : without_trailing_slashes(settings.public_url);
    base.push_back('/');
    base.append(key);
    return base;
}

S3Client::S3Client(S3Settings settings)
    : settings_(std::move(settings)),
      sigv4_("aws:amz:" + settings_.region + ":s3"),
      userpwd_(settings_.access_key + ":" + settings_.secret_key) {}

void S3Client::put(const S3Object& object) {
    const std::string url = object_url(settings_, object.key);
    Upload upload{object.body, 0};
    std::string response;

    curl::Headers headers;
    // libcurl signs the payload hash we send (docs/facts.md, "S3"); S3 demands it on PUT.
    headers.append("x-amz-content-sha256: " + object.sha256_hex);
    headers.append("Content-Type: " + object.content_type);
    headers.append("Cache-Control: " + object.cache_control);

    easy_.reset();
    easy_.set(CURLOPT_URL, url.c_str());
    easy_.set(CURLOPT_PROTOCOLS_STR, "http,https");
    easy_.set(CURLOPT_PROXY, "");
    easy_.set(CURLOPT_UPLOAD, 1L);
    easy_.set(CURLOPT_READFUNCTION, &read_body);
    easy_.set(CURLOPT_READDATA, static_cast<void*>(&upload));
    easy_.set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(object.body.size()));
    easy_.set(CURLOPT_HTTPHEADER, headers.get());
    easy_.set(CURLOPT_WRITEFUNCTION, &keep_response);
    easy_.set(CURLOPT_WRITEDATA, static_cast<void*>(&response));
    easy_.set(CURLOPT_CONNECTTIMEOUT, 10L);
    easy_.set(CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    if (!settings_.access_key.empty()) {
        easy_.set(CURLOPT_AWS_SIGV4, sigv4_.c_str());
        easy_.set(CURLOPT_USERPWD, userpwd_.c_str());
    }

    const CURLcode code = easy_.perform();
    // Every S3 failure is transient for the image: a store that is down or misconfigured (403,
    // missing bucket) is fixed by its operator, and then the same job succeeds. Clients learn no
    // more than that: the details name the store's host, port and bucket.
    if (code != CURLE_OK) {
        throw transient_failure(ClientMessage::upload_failed(),
                                "upload to S3 failed: " + easy_.error_message(code));
    }
    const long status = easy_.info<long>(CURLINFO_RESPONSE_CODE);
    if (status < 200 || status >= 300) {
        std::string message = "upload to S3 failed: HTTP " + std::to_string(status);
        if (const std::string s3_code = s3_error_code(response); !s3_code.empty()) {
            message += " " + s3_code;
        }
        throw transient_failure(ClientMessage::upload_failed(), message);
    }
}

}  // namespace pms::worker
