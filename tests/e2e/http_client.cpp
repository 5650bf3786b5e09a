/// libcurl requests for the end-to-end tests.
#include "tests/e2e/http_client.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/json.hpp"
#include "tests/e2e/exchange_log.hpp"
#include "tests/e2e/stack.hpp"
#include "tests/e2e/tokens.hpp"
#include "worker/pipeline/curl.hpp"

namespace pms::e2e {

namespace {

/// Set by SourceAddress; empty: the system chooses.
thread_local std::string source_address;

size_t append_body(char* data, size_t size, size_t count, void* target) {
    static_cast<std::string*>(target)->append(data, size * count);
    return size * count;
}

size_t record_header(char* data, size_t size, size_t count, void* target) {
    auto& headers = *static_cast<std::map<std::string, std::string>*>(target);
    const std::string line(data, size * count);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        value.erase(value.find_last_not_of("\r\n ") + 1);
        headers[name] = value;
    }
    return size * count;
}

}  // namespace

Json::Value HttpResponse::json() const {
    std::string error;
    auto value = pms::json::parse_strict(body, &error);
    EXPECT_TRUE(value) << "not JSON (" << error << "): " << body;
    return value ? *value : Json::Value();
}

std::string HttpResponse::header(const std::string& lower_case_name) const {
    const auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
}

HttpResponse request(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& content_type,
                     const std::map<std::string, std::string>& extra_headers,
                     bool expect_transfer) {
    HttpResponse response;
    curl::Easy easy;
    curl::Headers headers;
    easy.set(CURLOPT_URL, url.c_str());
    easy.set(CURLOPT_CUSTOMREQUEST, method.c_str());
    easy.set(CURLOPT_TIMEOUT, 30L);
    easy.set(CURLOPT_WRITEFUNCTION, append_body);
    easy.set(CURLOPT_WRITEDATA, &response.body);
    easy.set(CURLOPT_HEADERFUNCTION, record_header);
    easy.set(CURLOPT_HEADERDATA, &response.headers);
    if (!source_address.empty()) {
        easy.set(CURLOPT_INTERFACE, source_address.c_str());
    }
    if (method == "HEAD") {
        easy.set(CURLOPT_NOBODY, 1L);
    }
    if (!body.empty()) {
        easy.set(CURLOPT_POSTFIELDS, body.c_str());
        easy.set(CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    if (!content_type.empty()) {
        headers.append("Content-Type: " + content_type);
    }
    for (const auto& [name, value] : extra_headers) {
        headers.append(name + ": " + value);
    }
    // Only the API gets the token: S3 would take it for a signature of its own.
    if (!current_token().empty() && url.rfind(api_url(), 0) == 0 &&
        extra_headers.count("Authorization") == 0) {
        headers.append("Authorization: Bearer " + current_token());
    }
    headers.append("Expect:");  // no 100-continue round trip for large bodies
    easy.set(CURLOPT_HTTPHEADER, headers.get());
    const CURLcode code = easy.perform();
    if (code != CURLE_OK) {
        response.transfer_error = easy.error_message(code);
        EXPECT_FALSE(expect_transfer) << method << " " << url << ": " << response.transfer_error;
        return response;
    }
    response.status = easy.info<long>(CURLINFO_RESPONSE_CODE);
    log_exchange(method, url, response);
    return response;
}

SourceAddress::SourceAddress(std::string address) : previous_(std::move(address)) {
    std::swap(previous_, source_address);
}

SourceAddress::~SourceAddress() {
    source_address = std::move(previous_);
}

}  // namespace pms::e2e
