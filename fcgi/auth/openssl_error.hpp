#pragma once
/// The one place where OpenSSL's thread-local error queue is read: every failed OpenSSL call in
/// fcgi/auth ends here, so the queue never keeps stale entries that a later caller on the same
/// thread (libcurl's TLS, another verification) would misreport as its own.

#include <stdexcept>
#include <string>

namespace pms::api::auth {

/// An OpenSSL call failed for a reason that is not the caller's input being wrong (or, while
/// loading keys, input that OpenSSL refused).
struct OpenSslError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Throws OpenSslError with `context` and the queued OpenSSL messages, emptying the queue.
[[noreturn]] void throw_openssl_error(const std::string& context);

/// Empties the queue after a call whose failure is an answer, not an error (a bad signature).
void discard_openssl_errors();

}  // namespace pms::api::auth
