#pragma once
/// Downloads source images over http(s) with libcurl: bounded in time, size and redirects, and
/// connecting only to addresses the AddressFilter accepts.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "worker/pipeline/address_filter.hpp"
#include "worker/pipeline/curl.hpp"

namespace pms::worker {

struct FetchLimits {
    std::chrono::seconds timeout{30};          ///< whole transfer, redirects included
    std::chrono::seconds connect_timeout{10};  ///< each connection
    size_t max_bytes = 26214400;
    long max_redirects = 5;
};

/// Where job bytes come from (an interface so that job tests can stand in for the network).
class ImageSource {
public:
    virtual ~ImageSource() = default;
    /// The body of `url`; throws Failure (permanent or transient) when it cannot be had.
    virtual std::string fetch(const std::string& url) = 0;
};

/// True when `url` starts with http:// or https:// (any case): the only schemes fetched.
bool has_http_scheme(std::string_view url);

class HttpFetcher final : public ImageSource {
public:
    HttpFetcher(AddressFilter filter, FetchLimits limits, std::string user_agent);

    std::string fetch(const std::string& url) override;

private:
    AddressFilter filter_;
    FetchLimits limits_;
    std::string user_agent_;
    curl::Easy easy_;  // reused: keeps connections to an origin between jobs
};

}  // namespace pms::worker
