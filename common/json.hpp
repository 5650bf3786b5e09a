#pragma once
/// JSON helpers over jsoncpp: strict parsing of client input and compact output.

#include <json/json.h>

#include <optional>
#include <string>
#include <string_view>

namespace pms::json {

/// Parses one JSON document strictly (no comments, no trailing data, no duplicate keys).
/// Returns nothing and sets `error` when the text is not such a document.
std::optional<Json::Value> parse_strict(std::string_view text, std::string* error);

/// Serialises without whitespace.
std::string compact(const Json::Value& value);

/// Appends `text` as a quoted JSON string.
void append_quoted(std::string& out, std::string_view text);

}  // namespace pms::json
