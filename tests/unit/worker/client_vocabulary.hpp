#pragma once
/// The fixed vocabulary of image errors shown to API clients (images[].error), as the tests
/// expect it: each text matches one of these patterns and names no host, address or port.

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace pms::worker::vocabulary {

inline const char* const kClientVocabulary[] = {
    R"(unsupported URL scheme: only http and https are fetched)",
    R"(address not allowed)",
    R"(download failed: HTTP [1-5][0-9][0-9])",
    R"(download failed(: (timed out|cannot connect|host not found|too many redirects|invalid URL|TLS error|connection lost|invalid response))?)",
    R"(download too large: more than [0-9]+ bytes)",
    R"(not an image: the bytes are not JPEG, PNG, GIF or WebP)",
    R"(corrupt (jpeg|png|gif|webp) image)",
    R"(image too large: [0-9]+x[0-9]+ pixels is more than [0-9]+)",
    R"(image needs [0-9]+ MB to decode, the budget is [0-9]+ MB)",
    R"(cannot encode image)",
    R"(upload failed)",
    R"(internal error)",
    R"(gave up after [0-9]+ attempts: the last did not finish \(the worker stopped or crashed while processing this image\))",
};

/// Whether `text` is one of the client texts, and free of anything that looks like an address
/// (dotted numbers, IPv6 colons), a port (":<digits>", "port") or a host name.
inline ::testing::AssertionResult IsClientText(const std::string& text) {
    static const std::regex kAddressLike(
        R"([0-9]+\.[0-9]+|::|:[0-9]|\bport\b|localhost|\.(test|local|internal|com)\b|https?://)",
        std::regex::icase);
    if (std::regex_search(text, kAddressLike)) {
        return ::testing::AssertionFailure() << "'" << text << "' names an address or port";
    }
    for (const char* pattern : kClientVocabulary) {
        if (std::regex_match(text, std::regex(pattern))) {
            return ::testing::AssertionSuccess();
        }
    }
    return ::testing::AssertionFailure() << "'" << text << "' is not in the client vocabulary";
}

}  // namespace pms::worker::vocabulary
