/// Password masking over the URL syntax (RFC 3986 userinfo, libpq's URI parameters) and libpq's
/// key=value syntax.
#include "common/redact.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "common/percent_decode.hpp"

namespace pms {

namespace {

constexpr size_t npos = std::string_view::npos;

/// A half-open range of the input that holds a secret.
struct Span {
    size_t begin;
    size_t end;
};

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// libpq's password and sslpassword (the passphrase of the client key); keys of URI parameters
/// may be percent-encoded.
bool is_password_key(std::string_view key) {
    constexpr std::string_view kSuffix = "password";
    const std::string decoded = percent_decode(key, false).value_or(std::string(key));
    return decoded.size() >= kSuffix.size() &&
           equals_ignoring_case(std::string_view(decoded).substr(decoded.size() - kSuffix.size()),
                                kSuffix);
}

/// The length of a "scheme://" prefix of `text`, or 0.
size_t scheme_length(std::string_view text) {
    const size_t separator = text.find("://");
    if (separator == npos || separator == 0 ||
        std::isalpha(static_cast<unsigned char>(text[0])) == 0) {
        return 0;
    }
    for (size_t i = 1; i < separator; ++i) {
        const char c = text[i];
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') {
            return 0;
        }
    }
    return separator + 3;
}

/// The secrets of a URL whose authority starts at `start`: the password of the userinfo and the
/// values of password parameters in the query.
std::vector<Span> url_secrets(std::string_view url, size_t start, bool lone_userinfo_is_password) {
    std::vector<Span> spans;
    const std::string_view rest = url.substr(start);
    // The userinfo ends at the last '@' of the authority. A password with an unencoded '?' or
    // '#' would hide that '@' in what looks like the query: then the last '@' of all counts, and
    // a query that happens to hold one is masked along (too much is better than too little).
    size_t at = rest.substr(0, rest.find_first_of("?#")).rfind('@');
    if (at == npos) {
        at = rest.rfind('@');
    }
    size_t query_from = 0;
    if (at != npos) {
        const size_t colon = rest.substr(0, at).find(':');
        if (colon != npos) {
            spans.push_back({start + colon + 1, start + at});
        } else if (lone_userinfo_is_password) {
            spans.push_back({start, start + at});
        }
        query_from = at + 1;
    }
    const size_t question = rest.find('?', query_from);
    if (question != npos) {
        const size_t end = std::min(rest.find('#', question), rest.size());
        size_t begin = question + 1;
        while (begin < end) {
            const size_t stop = std::min(rest.find('&', begin), end);
            const std::string_view parameter = rest.substr(begin, stop - begin);
            const size_t equals = parameter.find('=');
            if (equals != npos && is_password_key(parameter.substr(0, equals))) {
                spans.push_back({start + begin + equals + 1, start + stop});
            }
            begin = stop + 1;
        }
    }
    return spans;
}

/// The values of password keys in a libpq key=value string: keyword = value, the value bare or
/// in single quotes, backslash escaping the next character.
std::vector<Span> conninfo_secrets(std::string_view text) {
    std::vector<Span> spans;
    size_t p = 0;
    const auto skip_spaces = [&] {
        while (p < text.size() && is_space(text[p])) {
            ++p;
        }
    };
    while (true) {
        skip_spaces();
        if (p >= text.size()) {
            break;
        }
        const size_t key_begin = p;
        while (p < text.size() && text[p] != '=' && !is_space(text[p])) {
            ++p;
        }
        const std::string_view key = text.substr(key_begin, p - key_begin);
        skip_spaces();
        if (p >= text.size() || text[p] != '=') {
            continue;  // a word without a value (libpq refuses it): on to the next
        }
        ++p;
        skip_spaces();
        const size_t value_begin = p;
        const bool quoted = p < text.size() && text[p] == '\'';
        if (quoted) {
            ++p;
        }
        while (p < text.size() && (quoted ? text[p] != '\'' : !is_space(text[p]))) {
            p += text[p] == '\\' && p + 1 < text.size() ? 2 : 1;
        }
        if (quoted && p < text.size()) {
            ++p;  // the closing quote
        }
        if (p > value_begin && is_password_key(key)) {
            spans.push_back({value_begin, p});
        }
    }
    return spans;
}

std::vector<Span> secrets_of(std::string_view url) {
    if (const size_t start = scheme_length(url); start > 0) {
        const std::string_view scheme = url.substr(0, start - 3);
        // redis://secret@host: Redis (before 6 and its user names) reads the userinfo as the
        // password, and so does our parser.
        const bool redis =
            equals_ignoring_case(scheme, "redis") || equals_ignoring_case(scheme, "rediss");
        return url_secrets(url, start, redis);
    }
    if (url.find('=') != npos) {
        return conninfo_secrets(url);
    }
    return url_secrets(url, 0, false);  // user:password@host without a scheme
}

/// The ways a secret may be written in a message: as in the URL, without its quotes and
/// escapes, percent-decoded.
std::vector<std::string> spellings(std::string_view secret) {
    std::vector<std::string> forms{std::string(secret)};
    if (secret.size() >= 2 && secret.front() == '\'') {
        std::string inner;
        const std::string_view quoted = secret.substr(1, secret.size() - 2);
        for (size_t i = 0; i < quoted.size(); ++i) {
            if (quoted[i] == '\\' && i + 1 < quoted.size()) {
                ++i;
            }
            inner.push_back(quoted[i]);
        }
        forms.push_back(inner);
    }
    if (const auto decoded = percent_decode(secret, false); decoded && *decoded != secret) {
        forms.push_back(*decoded);
    }
    return forms;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    if (from.empty()) {
        return;
    }
    for (size_t at = text.find(from); at != npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

}  // namespace

namespace {

std::string redact_one(std::string_view url) {
    std::string out;
    size_t copied = 0;
    for (const Span& span : secrets_of(url)) {
        if (span.end <= span.begin) {
            continue;  // "user:@host": nothing to hide
        }
        out.append(url.substr(copied, span.begin - copied));
        out.append(kRedacted);
        copied = span.end;
    }
    out.append(url.substr(copied));
    return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
    // A list (PMS_AMQP_URL names the nodes of a cluster): each URL masked on its own, so that the
    // hosts stay readable.
    if (const size_t comma = url.find(',');
        comma != npos && scheme_length(url.substr(comma + 1)) > 0) {
        return redact_one(url.substr(0, comma)) + "," + redact_url(url.substr(comma + 1));
    }
    return redact_one(url);
}

std::string redact_url_in(std::string_view text, std::string_view url) {
    std::string out(text);
    if (url.empty()) {
        return out;
    }
    replace_all(out, url, redact_url(url));
    for (const Span& span : secrets_of(url)) {
        for (const std::string& secret : spellings(url.substr(span.begin, span.end - span.begin))) {
            replace_all(out, secret, kRedacted);
        }
    }
    return out;
}

}  // namespace pms
