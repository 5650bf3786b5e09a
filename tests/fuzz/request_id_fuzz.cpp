/// X-Request-Id and nginx's $request_id: the input is "<client header>\n<nginx id>" (no newline:
/// the client header alone). Whatever is chosen must be well-formed, since it is echoed in a
/// response header and written to the logs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fcgi/request_id.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    pms::api::is_well_formed_request_id(input);

    // libfcgi hands the parameters over as C strings: cut at the first NUL, like it would.
    const size_t newline = input.find('\n');
    const std::string client(input.substr(0, newline));
    const std::string nginx =
        newline == std::string_view::npos ? std::string() : std::string(input.substr(newline + 1));
    const bool has_nginx = newline != std::string_view::npos;
    const std::string chosen =
        pms::api::choose_request_id(client.c_str(), has_nginx ? nginx.c_str() : nullptr);
    if (!pms::api::is_well_formed_request_id(chosen)) {
        std::abort();
    }
    return 0;
}
