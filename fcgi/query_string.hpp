#pragma once
/// application/x-www-form-urlencoded query strings.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pms::api {

/// The name=value pairs of a query string, decoded, in order. Throws ApiError 400 when an
/// escape is malformed.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace pms::api
