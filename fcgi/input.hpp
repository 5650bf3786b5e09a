#pragma once
/// Client input checked for form and types (400) and turned into statement parameters. The
/// rules (lengths, ranges, URL forms, the user existing) are the database's: 422 comes from there.

#include <string>
#include <string_view>

#include "fcgi/database.hpp"

namespace pms::api {

/// The editable fields of a product, as statement parameters.
struct ProductFields {
    Param name;
    Param description;
    Param price;   ///< the number exactly as the client wrote it
    Param images;  ///< a PostgreSQL text[] literal
};

struct NewProduct {
    Param user_id;
    ProductFields fields;
};

/// The filters of GET /products, as statement parameters (nothing = no filter).
struct ListFilters {
    Param user_id;
    Param min_price;
    Param max_price;
    Param name_contains;
    Param limit;
    Param cursor;
};

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
