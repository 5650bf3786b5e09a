/// Query string decoding.
#include "fcgi/query_string.hpp"

#include "common/percent_decode.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/storable_text.hpp"

namespace pms::api {

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    size_t start = 0;
    while (start <= query.size()) {
        size_t end = query.find('&', start);
        if (end == std::string_view::npos) {
            end = query.size();
        }
        const std::string_view pair = query.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) {
            continue;
        }
        const size_t equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
        if (!name || !value) {
            throw error_with_status(400, "malformed percent-escape in the query string");
        }
        if (!is_storable_text(*name) || !is_storable_text(*value)) {
            throw error_with_status(400, "query parameters must be UTF-8 text without NUL");
        }
        pairs.emplace_back(std::move(*name), std::move(*value));
    }
    return pairs;
}

}  // namespace pms::api
