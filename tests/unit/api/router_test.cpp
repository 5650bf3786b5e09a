#include "fcgi/router.hpp"

#include <gtest/gtest.h>

#include "fcgi/api_error.hpp"
#include "fcgi/handlers/handlers.hpp"

namespace {

using pms::api::ApiError;
using pms::api::route;

TEST(Router, MatchesEachRoute) {
    EXPECT_EQ(route("POST", "/api/v1/users").handler, pms::api::handlers::create_user);
    EXPECT_EQ(route("POST", "/api/v1/products").batch, pms::api::handlers::create_products);
    EXPECT_EQ(route("GET", "/api/v1/products").handler, pms::api::handlers::list_products);
    EXPECT_EQ(route("PUT", "/api/v1/products/5").batch, pms::api::handlers::update_products);
    EXPECT_EQ(route("DELETE", "/api/v1/products/5").handler, pms::api::handlers::delete_product);
    EXPECT_EQ(route("GET", "/health").handler, pms::api::handlers::health);
    const auto get = route("GET", "/api/v1/products/42");
    EXPECT_EQ(get.handler, pms::api::handlers::get_product);
    EXPECT_EQ(get.path_parameter, "42");
    EXPECT_EQ(pms::api::route_names()[get.index], "GET /api/v1/products/{id}");
}

TEST(Router, OnlyTheProductReadsPrefetchFromTheCache) {
    EXPECT_EQ(route("GET", "/api/v1/products/42").prefetch, pms::api::handlers::prefetch_product);
    EXPECT_EQ(route("HEAD", "/api/v1/products/42").prefetch, pms::api::handlers::prefetch_product);
    EXPECT_EQ(route("GET", "/api/v1/products").prefetch, pms::api::handlers::prefetch_page);
    for (const auto& [method, path] :
         {std::pair{"PUT", "/api/v1/products/42"}, std::pair{"DELETE", "/api/v1/products/42"},
          std::pair{"POST", "/api/v1/products"}, std::pair{"GET", "/health"}}) {
        EXPECT_EQ(route(method, path).prefetch, nullptr) << method << " " << path;
    }
}

TEST(Router, TrailingSlashAndHead) {
    EXPECT_EQ(route("GET", "/api/v1/products/42/").path_parameter, "42");
    EXPECT_EQ(route("HEAD", "/api/v1/products/42").handler, pms::api::handlers::get_product);
}

TEST(Router, UnknownPathIs404) {
    for (const char* path : {"/", "/api/v1/nope", "/api/v1/products/1/extra", "/api/v2/products"}) {
        try {
            route("GET", path);
            FAIL() << path;
        } catch (const ApiError& error) {
            EXPECT_EQ(error.status(), 404) << path;
        }
    }
}

TEST(Router, WrongMethodIs405WithAllow) {
    try {
        route("PATCH", "/api/v1/products/1");
        FAIL();
    } catch (const ApiError& error) {
        EXPECT_EQ(error.status(), 405);
        ASSERT_EQ(error.headers.size(), 1U);
        EXPECT_EQ(error.headers[0].first, "Allow");
        EXPECT_EQ(error.headers[0].second, "GET, HEAD, PUT, DELETE");
    }
    try {
        route("DELETE", "/api/v1/products");
        FAIL();
    } catch (const ApiError& error) {
        EXPECT_EQ(error.status(), 405);
        EXPECT_EQ(error.headers[0].second, "POST, GET, HEAD");
    }
}

}  // namespace
