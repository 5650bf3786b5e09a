#pragma once
/// Client input checked for form and types (400) and turned into api functions' arguments. The
/// rules (lengths, ranges, URL forms, the user existing) are the database's: 422 comes from there.

#include <string>
#include <string_view>
#include <vector>

#include "fcgi/api_arguments.hpp"

namespace pms::api {

/// Refuses (415) a body that is not declared as application/json (a charset parameter is fine).
void require_json_content_type(std::string_view content_type);

/// POST /users: `{"name": ...}`.
Param parse_user_body(std::string_view body);
/// POST /products.
NewProduct parse_new_product(std::string_view body);
/// PUT /products/{id}: the editable fields (a user_id in the body is ignored).
ProductFields parse_product_update(std::string_view body);
/// The query string of GET /products (min_price/max_price, or price_min/price_max).
ListFilters parse_list_filters(std::string_view query);
/// Whether a path segment can be a product id: a positive 64-bit integer.
bool is_product_id(std::string_view segment);
/// A product id from the path; throws ApiError 404 unless is_product_id().
std::string parse_product_id(std::string_view segment);

/// A PostgreSQL array literal of text elements, each quoted and escaped.
std::string text_array_literal(const std::vector<std::string>& items);

}  // namespace pms::api
