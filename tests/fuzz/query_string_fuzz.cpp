/// The query string of GET /products: its decoding (parse_query) and the list filters read from
/// it. Only ApiError 400 may come out.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fcgi/api_error.hpp"
#include "fcgi/input.hpp"
#include "fcgi/query_string.hpp"

namespace {

template <typename Parse>
void expect_only_bad_request(Parse parse) {
    try {
        parse();
    } catch (const pms::api::ApiError& error) {
        if (error.status() != 400) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view query(reinterpret_cast<const char*>(data), size);
    expect_only_bad_request([&] {
        for (const auto& [name, value] : pms::api::parse_query(query)) {
            // Decoding never makes text longer than its escapes.
            if (name.size() + value.size() > query.size()) {
                std::abort();
            }
        }
    });
    expect_only_bad_request([&] { pms::api::parse_list_filters(query); });
    return 0;
}
