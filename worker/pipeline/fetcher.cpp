/// The download of a source image: scheme check, SSRF address check at connect time, size cap
/// while streaming, and classification of what went wrong.
#include "worker/pipeline/fetcher.hpp"

#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "common/redact.hpp"
#include "worker/pipeline/failure.hpp"

namespace pms::worker {

namespace {

/// What the libcurl callbacks of one transfer share with fetch().
struct Transfer {
    const AddressFilter* filter = nullptr;
    const curl::Easy* easy = nullptr;
    size_t max_bytes = 0;
    std::string body;
    bool too_large = false;
    std::optional<std::string> refusal;  ///< the first address the filter refused
};

/// libcurl asks us for every socket it connects with, for the first request and each redirect,
/// for every address DNS returned: checking here checks exactly the address that is connected to,
/// so a second DNS answer cannot slip past a check made earlier.
curl_socket_t open_checked_socket(void* data, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(data);
    if (purpose != CURLSOCKTYPE_IPCXN) {
        return CURL_SOCKET_BAD;  // only plain outgoing connections are expected
    }
    const std::optional<IpAddress> ip =
        IpAddress::from_sockaddr(&address->addr, static_cast<size_t>(address->addrlen));
    std::optional<std::string> refusal;
    if (!ip) {
        refusal = "refused address (not an IPv4 or IPv6 address)";
    } else {
        refusal = transfer->filter->refusal(*ip);
    }
    if (refusal) {
        if (!transfer->refusal) {
            transfer->refusal = std::move(refusal);
        }
        return CURL_SOCKET_BAD;  // libcurl tries the next address or fails with COULDNT_CONNECT
    }
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t length = size * count;
    if (transfer->body.empty()) {
        // One allocation of the announced size, rather than doubling (and copying) up to twice
        // the image: with several jobs at once this is the worker's largest buffer.
        const auto announced = transfer->easy->info<curl_off_t>(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T);
        if (announced > 0) {
            transfer->body.reserve(std::min(static_cast<size_t>(announced), transfer->max_bytes));
        }
    }
    if (transfer->body.size() + length > transfer->max_bytes) {
        transfer->too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    transfer->body.append(data, length);
    return length;
}

}  // namespace

bool has_http_scheme(std::string_view url) {
    auto starts = [&](std::string_view prefix) {
        return url.size() > prefix.size() &&
               strncasecmp(url.data(), prefix.data(), prefix.size()) == 0;
    };
    return starts("http://") || starts("https://");
}

HttpFetcher::HttpFetcher(AddressFilter filter, FetchLimits limits, std::string user_agent)
    : filter_(std::move(filter)), limits_(limits), user_agent_(std::move(user_agent)) {}

std::string HttpFetcher::fetch(const std::string& url) {
    if (!has_http_scheme(url)) {
        throw permanent_failure(ClientMessage::unsupported_scheme());
    }
    Transfer transfer;
    transfer.filter = &filter_;
    transfer.easy = &easy_;
    transfer.max_bytes = limits_.max_bytes;

    easy_.reset();
    easy_.set(CURLOPT_URL, url.c_str());
    easy_.set(CURLOPT_PROTOCOLS_STR, "http,https");
    easy_.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    easy_.set(CURLOPT_FOLLOWLOCATION, 1L);
    easy_.set(CURLOPT_MAXREDIRS, limits_.max_redirects);
    // An environment proxy would be the address checked, not the origin's: never use one.
    easy_.set(CURLOPT_PROXY, "");
    easy_.set(CURLOPT_CONNECTTIMEOUT_MS,
              static_cast<long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(limits_.connect_timeout)
                      .count()));
    easy_.set(CURLOPT_TIMEOUT_MS,
              static_cast<long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(limits_.timeout).count()));
    // Refuses up front when Content-Length already says too much; append_body enforces the same
    // limit while streaming, for responses without a length or that lie about it.
    easy_.set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits_.max_bytes));
    easy_.set(CURLOPT_FAILONERROR, 1L);
    easy_.set(CURLOPT_USERAGENT, user_agent_.c_str());
    easy_.set(CURLOPT_OPENSOCKETFUNCTION, &open_checked_socket);
    easy_.set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&transfer));
    easy_.set(CURLOPT_WRITEFUNCTION, &append_body);
    easy_.set(CURLOPT_WRITEDATA, static_cast<void*>(&transfer));

    const CURLcode code = easy_.perform();
    if (code == CURLE_OK) {
        return std::move(transfer.body);
    }
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        throw permanent_failure(ClientMessage::download_too_large(limits_.max_bytes));
    }
    if (transfer.refusal && code == CURLE_COULDNT_CONNECT) {
        throw permanent_failure(ClientMessage::address_not_allowed(), *transfer.refusal);
    }
    if (code == CURLE_HTTP_RETURNED_ERROR) {
        const long status = easy_.info<long>(CURLINFO_RESPONSE_CODE);
        throw Failure(classify_origin_status(status), ClientMessage::http_status(status));
    }
    // The source URL is the client's, and may carry a password of theirs.
    throw Failure(classify_transfer(code), ClientMessage::transfer(code),
                  "download failed: " + redact_url_in(easy_.error_message(code), url));
}

}  // namespace pms::worker
