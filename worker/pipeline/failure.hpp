#pragma once
/// The error a job step raises, carrying whether trying again later can help (transient) or not
/// (permanent), and the rules that classify origin and transfer errors.

#include <curl/curl.h>

#include <stdexcept>
#include <string>

namespace pms::worker {

enum class FailureKind {
    /// The input is at fault (404, not an image, too large, refused address): retrying cannot help.
    kPermanent,
    /// Something on the way was down or slow (timeouts, 5xx, S3 or PostgreSQL unreachable).
    kTransient,
};

const char* name_of(FailureKind kind);

/// A job step failed; what() is the error recorded on the image.
class Failure : public std::runtime_error {
public:
    Failure(FailureKind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}

    FailureKind kind() const { return kind_; }
    bool permanent() const { return kind_ == FailureKind::kPermanent; }

private:
    FailureKind kind_;
};

inline Failure permanent_failure(const std::string& message) {
    return Failure(FailureKind::kPermanent, message);
}
inline Failure transient_failure(const std::string& message) {
    return Failure(FailureKind::kTransient, message);
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
