/// Classification of job failures into permanent and transient.
#include "worker/pipeline/failure.hpp"

namespace pms::worker {

const char* name_of(FailureKind kind) {
    return kind == FailureKind::kPermanent ? "permanent" : "transient";
}

FailureKind classify_origin_status(long status) {
    if (status == 408 || status == 429) {
        return FailureKind::kTransient;
    }
    if (status >= 400 && status < 500) {
        return FailureKind::kPermanent;
    }
    return FailureKind::kTransient;
}

FailureKind classify_transfer(CURLcode code) {
    switch (code) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_FILESIZE_EXCEEDED:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_BAD_CONTENT_ENCODING: return FailureKind::kPermanent;
        default:
            // Timeouts, refused/reset connections, resolver failures, TLS handshakes cut short,
            // partial bodies: the network may behave on the next try.
            return FailureKind::kTransient;
    }
}

bool should_retry(FailureKind kind, int attempt, int max_attempts) {
    return kind == FailureKind::kTransient && attempt < max_attempts;
}

}  // namespace pms::worker
