/// Form and type checks of request bodies and query strings.
#include "fcgi/input.hpp"

#include <json/value.h>

#include "common/json.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/query_string.hpp"
#include "fcgi/storable_text.hpp"

namespace pms::api {

namespace {

/// Collects every type error of a body so the client can fix them all at once.
class TypeErrors {
public:
    void add(const char* field, const char* expected) {
        Json::Value detail(Json::objectValue);
        detail["field"] = field;
        detail["message"] = std::string(field) + " must be " + expected;
        details_.append(detail);
    }
    void throw_if_any() const {
        if (details_.empty()) {
            return;
        }
        const std::string message = details_.size() == 1 ? details_[0]["message"].asString()
                                                         : "several fields have the wrong type";
        throw error_with_status(400, message, details_);
    }

private:
    Json::Value details_{Json::arrayValue};
};

Json::Value parse_object(std::string_view body) {
    if (!is_storable_text(body)) {
        throw error_with_status(400, "request body must be UTF-8 text (RFC 8259)");
    }
    std::string error;
    auto value = json::parse_strict(body, &error);
    if (!value) {
        throw error_with_status(400, "request body is not valid JSON: " + error);
    }
    if (!value->isObject()) {
        throw error_with_status(400, "request body must be a JSON object");
    }
    return *value;
}

bool is_decimal_integer(std::string_view text) {
    if (text.empty() || text.size() > 19) {
        return false;
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

/// [-]digits[.digits]: what a price bound may look like in a query string.
bool is_decimal_number(std::string_view text) {
    if (!text.empty() && text.front() == '-') {
        text.remove_prefix(1);
    }
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (whole.empty() || whole.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
    }
    if (dot == std::string_view::npos) {
        return true;
    }
    const std::string_view fraction = text.substr(dot + 1);
    return !fraction.empty() && fraction.find_first_not_of("0123456789") == std::string_view::npos;
}

Param string_field(const Json::Value& object, const char* field, TypeErrors& errors) {
    const Json::Value& value = object[field];
    if (value.isNull()) {
        return std::nullopt;
    }
    if (!value.isString()) {
        errors.add(field, "a string");
        return std::nullopt;
    }
    std::string text = value.asString();
    if (!is_storable_text(text)) {
        errors.add(field, "text without NUL characters");
        return std::nullopt;
    }
    return text;
}

Param integer_field(const Json::Value& object, const char* field, TypeErrors& errors) {
    const Json::Value& value = object[field];
    if (value.isNull()) {
        return std::nullopt;
    }
    if (!value.isIntegral() || !value.isInt64()) {
        errors.add(field, "an integer");
        return std::nullopt;
    }
    return std::to_string(value.asInt64());
}

/// The number exactly as written in the body: a double would turn 19.99 into 19.989999....
Param number_field(const Json::Value& object, std::string_view body, const char* field,
                   TypeErrors& errors) {
    const Json::Value& value = object[field];
    if (value.isNull()) {
        return std::nullopt;
    }
    if (!value.isNumeric() || value.isBool()) {
        errors.add(field, "a number");
        return std::nullopt;
    }
    const auto start = static_cast<size_t>(value.getOffsetStart());
    const auto limit = static_cast<size_t>(value.getOffsetLimit());
    return std::string(body.substr(start, limit - start));
}

Param string_array_field(const Json::Value& object, const char* field, TypeErrors& errors) {
    const Json::Value& value = object[field];
    std::vector<std::string> items;
    if (value.isNull()) {
        return text_array_literal(items);  // absent means no images
    }
    if (!value.isArray()) {
        errors.add(field, "an array of strings");
        return std::nullopt;
    }
    for (const Json::Value& item : value) {
        if (!item.isString() || !is_storable_text(item.asString())) {
            errors.add(field, "an array of strings");
            return std::nullopt;
        }
        items.push_back(item.asString());
    }
    return text_array_literal(items);
}

ProductFields product_fields(const Json::Value& object, std::string_view body, TypeErrors& errors) {
    ProductFields fields;
    fields.name = string_field(object, "product_name", errors);
    fields.description = string_field(object, "product_description", errors);
    fields.price = number_field(object, body, "product_price", errors);
    fields.images = string_array_field(object, "product_images", errors);
    return fields;
}

}  // namespace

std::string text_array_literal(const std::vector<std::string>& items) {
    std::string literal = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            literal.push_back(',');
        }
        literal.push_back('"');
        for (const char c : items[i]) {
            if (c == '"' || c == '\\') {
                literal.push_back('\\');
            }
            literal.push_back(c);
        }
        literal.push_back('"');
    }
    literal.push_back('}');
    return literal;
}

void require_json_content_type(std::string_view content_type) {
    const std::string_view media_type = content_type.substr(0, content_type.find(';'));
    std::string lower;
    for (const char c : media_type) {
        if (c != ' ') {
            lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
        }
    }
    if (lower != "application/json") {
        throw error_with_status(
            415, "Content-Type must be application/json, got '" + std::string(content_type) + "'");
    }
}

Param parse_user_body(std::string_view body) {
    const Json::Value object = parse_object(body);
    TypeErrors errors;
    Param name = string_field(object, "name", errors);
    errors.throw_if_any();
    return name;
}

NewProduct parse_new_product(std::string_view body) {
    const Json::Value object = parse_object(body);
    TypeErrors errors;
    NewProduct product;
    product.user_id = integer_field(object, "user_id", errors);
    product.fields = product_fields(object, body, errors);
    errors.throw_if_any();
    return product;
}

ProductFields parse_product_update(std::string_view body) {
    const Json::Value object = parse_object(body);
    TypeErrors errors;
    ProductFields fields = product_fields(object, body, errors);
    errors.throw_if_any();
    return fields;
}

ListFilters parse_list_filters(std::string_view query) {
    ListFilters filters;
    Json::Value details(Json::arrayValue);
    auto expect = [&](bool ok, const std::string& name, const char* expected) {
        if (!ok) {
            Json::Value detail(Json::objectValue);
            detail["field"] = name;
            detail["message"] = name + " must be " + expected;
            details.append(detail);
        }
        return ok;
    };
    for (auto& [name, value] : parse_query(query)) {
        if (name == "user_id") {
            if (expect(is_decimal_integer(value), name, "a positive integer")) {
                filters.user_id = std::move(value);
            }
        } else if (name == "min_price" || name == "price_min") {
            if (expect(is_decimal_number(value), name, "a decimal number")) {
                filters.min_price = std::move(value);
            }
        } else if (name == "max_price" || name == "price_max") {
            if (expect(is_decimal_number(value), name, "a decimal number")) {
                filters.max_price = std::move(value);
            }
        } else if (name == "product_name") {
            filters.name_contains = std::move(value);
        } else if (name == "limit") {
            if (expect(is_decimal_integer(value), name, "a positive integer")) {
                filters.limit = std::move(value);
            }
        } else if (name == "cursor") {
            filters.cursor = std::move(value);
        }
    }
    if (!details.empty()) {
        const std::string message = details.size() == 1 ? details[0]["message"].asString()
                                                        : "several parameters are malformed";
        throw error_with_status(400, message, details);
    }
    return filters;
}

bool is_product_id(std::string_view segment) {
    return is_decimal_integer(segment) && segment.front() != '0' &&
           (segment.size() < 19 || segment <= "9223372036854775807");
}

std::string parse_product_id(std::string_view segment) {
    // Anything that cannot be a product id names no product.
    if (!is_product_id(segment)) {
        throw error_with_status(404, "no product with id '" + std::string(segment) + "'");
    }
    return std::string(segment);
}

}  // namespace pms::api
