/// Classification of job failures into permanent and transient, and the texts clients see.
#include "worker/pipeline/failure.hpp"

#include "worker/pipeline/gd_image.hpp"

namespace pms::worker {

const char* name_of(FailureKind kind) {
    return kind == FailureKind::kPermanent ? "permanent" : "transient";
}

ClientMessage ClientMessage::unsupported_scheme() {
    return ClientMessage("unsupported URL scheme: only http and https are fetched");
}

ClientMessage ClientMessage::address_not_allowed() {
    return ClientMessage("address not allowed");
}

ClientMessage ClientMessage::http_status(long status) {
    return ClientMessage("download failed: HTTP " + std::to_string(status));
}

ClientMessage ClientMessage::transfer(CURLcode code) {
    // libcurl's own message names the host, address and port it tried (an internal one, when
    // the URL or a redirect pointed there): only the code decides what the client reads.
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT: return ClientMessage("download failed: timed out");
        case CURLE_COULDNT_CONNECT: return ClientMessage("download failed: cannot connect");
        case CURLE_COULDNT_RESOLVE_HOST: return ClientMessage("download failed: host not found");
        case CURLE_TOO_MANY_REDIRECTS: return ClientMessage("download failed: too many redirects");
        case CURLE_UNSUPPORTED_PROTOCOL: return unsupported_scheme();  // a redirect elsewhere
        case CURLE_URL_MALFORMAT: return ClientMessage("download failed: invalid URL");
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS: return ClientMessage("download failed: TLS error");
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE: return ClientMessage("download failed: connection lost");
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM: return ClientMessage("download failed: invalid response");
        default: return ClientMessage("download failed");
    }
}

ClientMessage ClientMessage::download_too_large(size_t max_bytes) {
    return ClientMessage("download too large: more than " + std::to_string(max_bytes) + " bytes");
}

ClientMessage ClientMessage::not_an_image() {
    return ClientMessage("not an image: the bytes are not JPEG, PNG, GIF or WebP");
}

ClientMessage ClientMessage::corrupt_image(gd::Format format) {
    return ClientMessage(std::string("corrupt ") + gd::name_of(format) + " image");
}

ClientMessage ClientMessage::too_many_pixels(int width, int height, int64_t max_pixels) {
    return ClientMessage("image too large: " + std::to_string(width) + "x" +
                         std::to_string(height) + " pixels is more than " +
                         std::to_string(max_pixels));
}

ClientMessage ClientMessage::over_memory_budget(int64_t needed_mb, int64_t budget_mb) {
    return ClientMessage("image needs " + std::to_string(needed_mb) +
                         " MB to decode, the budget is " + std::to_string(budget_mb) + " MB");
}

ClientMessage ClientMessage::cannot_encode() {
    return ClientMessage("cannot encode image");
}

ClientMessage ClientMessage::upload_failed() {
    return ClientMessage("upload failed");
}

ClientMessage ClientMessage::internal_error() {
    return ClientMessage("internal error");
}

ClientMessage ClientMessage::gave_up(int attempts) {
    return ClientMessage("gave up after " + std::to_string(attempts) +
                         " attempts: the last did not finish (the worker stopped or crashed while "
                         "processing this image)");
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
