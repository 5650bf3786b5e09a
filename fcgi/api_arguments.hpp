#pragma once
/// The arguments of the api functions pms-api calls, one struct per call, in the form the
/// functions take them: text as the client sent it (PostgreSQL parses it and holds it to the
/// rules), or nothing for SQL NULL. database.cpp is the one place that puts them in a function's
/// order.

#include <cstdint>
#include <optional>
#include <string>

namespace pms::api {

/// A statement parameter in text form; nothing is SQL NULL.
using Param = std::optional<std::string>;

/// The acting user, first of every write's arguments (db/README.md, "Who may do what"). The
/// database decides what the actor may do (pms.may_act_for); pms-api only says who it is.
struct Actor {
    std::optional<std::int64_t> user_id;  ///< nothing: no one (a request without a token)
    bool admin = false;
};

/// The editable fields of a product.
struct ProductFields {
    Param name;
    Param description;
    Param price;   ///< the number exactly as the client wrote it
    Param images;  ///< a PostgreSQL text[] literal
};

/// The body of POST /products.
struct NewProduct {
    Param user_id;
    ProductFields fields;
};

/// The filters of GET /products (nothing = no filter).
struct ListFilters {
    Param user_id;
    Param min_price;
    Param max_price;
    Param name_contains;
    Param limit;
    Param cursor;
};

// The writes; each carries the id of its request, which the database puts into the events it
// writes.

/// api.create_user.
struct UserCreation {
    Actor actor;
    Param name;
    std::string request_id;
};

/// One call of api.create_products.
struct ProductCreation {
    Actor actor;
    NewProduct product;
    std::string request_id;
};

/// One call of api.update_products.
struct ProductUpdate {
    Actor actor;
    std::string id;  ///< a valid product id (is_product_id)
    ProductFields fields;
    std::string request_id;
};

/// api.delete_product.
struct ProductDeletion {
    Actor actor;
    std::string id;  ///< a valid product id (is_product_id)
    std::string request_id;
};

}  // namespace pms::api
