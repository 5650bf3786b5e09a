#pragma once
/// What a PostgreSQL text value can hold, checked before client text (a body, a query
/// parameter) goes anywhere near the database.

#include <string_view>

namespace pms::api {

/// Whether `text` is valid UTF-8 without NUL characters: what a PostgreSQL text value can hold
/// (a NUL would silently cut the value short on its way through libpq).
bool is_storable_text(std::string_view text);

}  // namespace pms::api
