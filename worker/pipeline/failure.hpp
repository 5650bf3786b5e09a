#pragma once
/// The error a job step raises: whether trying again later can help (transient) or not
/// (permanent), what API clients are told, and everything known for the log; with the rules that
/// classify origin and transfer errors.

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace pms::gd {
enum class Format;
}  // namespace pms::gd

namespace pms::worker {

enum class FailureKind {
    /// The input is at fault (404, not an image, too large, refused address): retrying cannot help.
    kPermanent,
    /// Something on the way was down or slow (timeouts, 5xx, S3 or PostgreSQL unreachable).
    kTransient,
};

const char* name_of(FailureKind kind);

/// The error recorded on an image (api.fail_image_job) and shown to API clients. Only the
/// factories below make one, from fixed texts and numbers the worker computed itself: never a
/// library's, an origin's or S3's words, which name internal hosts, addresses and ports. What
/// those said goes to the worker's log (Failure::detail).
class ClientMessage {
public:
    static ClientMessage unsupported_scheme();
    static ClientMessage address_not_allowed();
    /// "download failed: HTTP <status>".
    static ClientMessage http_status(long status);
    /// The failed transfer in a few words chosen by `code` (never CURLE_OK, and
    /// CURLE_HTTP_RETURNED_ERROR goes through http_status).
    static ClientMessage transfer(CURLcode code);
    static ClientMessage download_too_large(size_t max_bytes);
    static ClientMessage not_an_image();
    static ClientMessage corrupt_image(gd::Format format);
    static ClientMessage too_many_pixels(int width, int height, int64_t max_pixels);
    /// "image needs <needed> MB to decode, the budget is <budget> MB" (PMS_WORKER_MEMORY_BUDGET).
    static ClientMessage over_memory_budget(int64_t needed_mb, int64_t budget_mb);
    static ClientMessage cannot_encode();
    static ClientMessage upload_failed();
    /// The database refused, or something unforeseen: the cause is the operator's business.
    static ClientMessage internal_error();
    /// A job whose deliveries kept dying with the worker, given up after `attempts`.
    static ClientMessage gave_up(int attempts);

    const std::string& text() const { return text_; }

private:
    explicit ClientMessage(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

/// A job step failed. what() is the detail for the log; client_message() is what the image
/// records.
class Failure : public std::runtime_error {
public:
    Failure(FailureKind kind, ClientMessage client_message, const std::string& detail)
        : std::runtime_error(detail), kind_(kind), client_message_(std::move(client_message)) {}
    /// When the client's text is all there is to know (an HTTP status, a pixel count).
    Failure(FailureKind kind, const ClientMessage& client_message)
        : Failure(kind, client_message, client_message.text()) {}

    FailureKind kind() const { return kind_; }
    bool permanent() const { return kind_ == FailureKind::kPermanent; }
    const ClientMessage& client_message() const { return client_message_; }
    /// Everything known (library messages with hosts, addresses and ports): for the log only.
    const char* detail() const { return what(); }

private:
    FailureKind kind_;
    ClientMessage client_message_;
};

inline Failure permanent_failure(ClientMessage client_message, const std::string& detail) {
    return Failure(FailureKind::kPermanent, std::move(client_message), detail);
}
inline Failure transient_failure(ClientMessage client_message, const std::string& detail) {
    return Failure(FailureKind::kTransient, std::move(client_message), detail);
}
inline Failure permanent_failure(const ClientMessage& client_message) {
    return Failure(FailureKind::kPermanent, client_message);
}

/// The worker is stopping while a job waits (e.g. for PostgreSQL): the job is abandoned unacked,
/// so the broker hands it to another worker.
struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted: the worker is stopping") {}
};

/// An HTTP error status (>= 400) of an image origin. 4xx is permanent, except 408 and 429 where the
/// origin itself asks us to come back later; 5xx is transient.
FailureKind classify_origin_status(long status);

/// A failed libcurl transfer (never CURLE_OK; CURLE_HTTP_RETURNED_ERROR goes through the status).
/// Errors that a later try may not repeat (timeouts, refused or reset connections, DNS) are
/// transient; malformed URLs, other schemes, redirect loops and certificate problems are not.
FailureKind classify_transfer(CURLcode code);

/// Whether a failure on delivery attempt `attempt` (1-based) goes back to the delay queue.
bool should_retry(FailureKind kind, int attempt, int max_attempts);

}  // namespace pms::worker
