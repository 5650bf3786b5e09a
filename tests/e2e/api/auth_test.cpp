/// Who may do what, through nginx: a bearer token says who is acting, the database says what they
/// may do (pms.may_act_for). A user changes only their own products, an admin anyone's; a write
/// without a token is 401; reads follow PMS_AUTH_READS.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/e2e/api/api_processes.hpp"
#include "tests/e2e/error_shape.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/stack.hpp"
#include "tests/e2e/tokens.hpp"
#include "tests/support/jwt_sign.hpp"

namespace pms::e2e {
namespace {

std::string products() {
    return api_url() + "/api/v1/products";
}

std::string product_body(const std::string& name, const std::string& user_field = "") {
    return "{" + user_field + "\"product_name\": \"" + name + "\", \"product_price\": 3}";
}

/// A product of a new user, created with that user's own token; returns its URL.
struct Owned {
    long long owner;
    std::string url;
};

Owned product_of_new_user(const std::string& name) {
    const long long owner = create_user(unique("owner"));
    const ActingAs as(token_for(owner));
    const HttpResponse created = post_json(products(), product_body(name));
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["user_id"].asInt64(), owner)
        << "a product without user_id is the caller's";
    return {owner, products() + "/" + created.json()["id"].asString()};
}

void expect_unauthorized(const HttpResponse& response, const std::string& challenge) {
    expect_error(response, 401, "unauthorized");
    EXPECT_EQ(response.header("www-authenticate"), challenge);
}

TEST(Authorization, AUserCreatesUpdatesAndDeletesTheirOwnProduct) {
    const Owned product = product_of_new_user("mine");
    const ActingAs as(token_for(product.owner));
    const HttpResponse updated = put_json(product.url, product_body("mine, renamed"));
    EXPECT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.json()["product_name"].asString(), "mine, renamed");
    EXPECT_EQ(request("DELETE", product.url).status, 204);
    EXPECT_EQ(get(product.url).status, 404);
}

TEST(Authorization, AnotherUserIsForbiddenAndNothingChanges) {
    const Owned product = product_of_new_user("not yours");
    const Json::Value before = get(product.url).json();
    const long long other = create_user(unique("other"));
    {
        const ActingAs as(token_for(other));
        const Json::Value put =
            expect_error(put_json(product.url, product_body("taken over")), 403, "forbidden");
        EXPECT_NE(put["message"].asString().find("belongs to another user"), std::string::npos);
        expect_error(request("DELETE", product.url), 403, "forbidden");
        const Json::Value post = expect_error(
            post_json(products(),
                      product_body("for someone else",
                                   "\"user_id\": " + std::to_string(product.owner) + ", ")),
            403, "forbidden");
        EXPECT_EQ(post["details"][0]["field"].asString(), "user_id");
    }
    const HttpResponse after = request("GET", product.url, "", "", {{"Cache-Control", "no-cache"}});
    ASSERT_EQ(after.status, 200);
    EXPECT_EQ(after.json()["product_name"], before["product_name"]);
    EXPECT_EQ(after.json()["version"], before["version"]);
}

TEST(Authorization, AnAdminMayActForAnyone) {
    const Owned product = product_of_new_user("admin's to change");
    const ActingAs as(token_for(create_user(unique("admin")), /*admin=*/true));
    const HttpResponse created = post_json(
        products(),
        product_body("made by an admin", "\"user_id\": " + std::to_string(product.owner) + ", "));
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json()["user_id"].asInt64(), product.owner);
    EXPECT_EQ(put_json(product.url, product_body("changed by an admin")).status, 200);
    EXPECT_EQ(request("DELETE", product.url).status, 204);
}

TEST(Authorization, OnlyAnAdminCreatesUsers) {
    const long long user = create_user(unique("plain user"));
    const ActingAs as(token_for(user));
    expect_error(post_json(api_url() + "/api/v1/users", R"({"name": "by a user"})"), 403,
                 "forbidden");
}

TEST(Authorization, AWriteWithoutATokenIs401) {
    const Owned product = product_of_new_user("no token");
    const ActingAs nobody("");
    expect_unauthorized(post_json(products(), product_body("anonymous")), "Bearer");
    expect_unauthorized(put_json(product.url, product_body("anonymous")), "Bearer");
    expect_unauthorized(request("DELETE", product.url), "Bearer");
    expect_unauthorized(post_json(api_url() + "/api/v1/users", R"({"name": "x"})"), "Bearer");
    // Another scheme is no bearer token.
    expect_unauthorized(request("DELETE", product.url, "", "", {{"Authorization", "Basic YTpi"}}),
                        "Bearer");
}

TEST(Authorization, ABadTokenIs401WithTheReason) {
    const long long user = create_user(unique("bad tokens"));
    Json::Value claims;
    claims["sub"] = std::to_string(user);
    claims["exp"] = Json::Int64{4102444800};  // 2100
    Json::Value none;
    none["alg"] = "none";
    // The first character of the signature changed: still base64url, no longer the signature.
    std::string tampered = token_for(user);
    char& first = tampered[tampered.rfind('.') + 1];
    first = first == 'A' ? 'B' : 'A';
    const struct {
        std::string token;
        std::string description;
    } cases[] = {
        {token_for(user, false, -3600), "token has expired"},
        {tampered, "token signature is invalid"},
        {test::sign_hs256(claims, "a secret that is not the stack's at all", Json::Value()),
         "token signature is invalid"},
        {test::sign_hs256(claims, setting("PMS_JWT_SECRET"), none), "alg none"},
        {"not.a-token", "token is not three dot-separated parts"},
    };
    for (const auto& c : cases) {
        const ActingAs as(c.token);
        const HttpResponse response = post_json(products(), product_body("with a bad token"));
        expect_error(response, 401, "unauthorized");
        const std::string challenge = response.header("www-authenticate");
        EXPECT_EQ(challenge.rfind("Bearer error=\"invalid_token\", error_description=\"", 0), 0u)
            << challenge;
        EXPECT_NE(challenge.find(c.description), std::string::npos) << challenge;
    }
}

TEST(Authorization, PublicReadsNeedNoTokenButABadOneIsStillRefused) {
    const Owned product = product_of_new_user("public");
    const ActingAs nobody("");
    EXPECT_EQ(get(product.url).status, 200);
    EXPECT_EQ(get(products() + "?user_id=" + std::to_string(product.owner)).status, 200);
    EXPECT_EQ(request("GET", product.url, "", "", {{"Authorization", "Bearer nonsense"}}).status,
              401);
}

// pms-api restarted with PMS_AUTH_READS=authenticated, then as the stack runs it.
TEST(Authorization, AuthenticatedReadsNeedAValidToken) {
    const Owned product = product_of_new_user("members only");
    stack_control("stop", "pms-api");
    stack_control("start", "pms-api PMS_AUTH_READS=authenticated");
    ASSERT_TRUE(wait_until_healthy(std::chrono::seconds(20)));
    {
        const ActingAs nobody("");
        expect_unauthorized(get(product.url), "Bearer");
        expect_unauthorized(get(products()), "Bearer");
        EXPECT_EQ(get(api_url() + "/health").status, 200) << "health stays open";
    }
    {
        const ActingAs as(token_for(create_user(unique("reader"))));
        EXPECT_EQ(get(product.url).status, 200);
        EXPECT_EQ(get(products() + "?user_id=" + std::to_string(product.owner)).status, 200);
    }
    stack_control("stop", "pms-api");
    stack_control("start", "pms-api");
    ASSERT_TRUE(wait_until_healthy(std::chrono::seconds(20)));
}

// Keys from a JWKS file: RS256 and ES256 tokens, chosen by kid; SIGHUP reads the file again, and a
// broken file keeps the keys that were read before.
TEST(Authorization, KeysFromAJwksFileAreRotatedWithSighup) {
    const std::string jwks_file = setting("PMS_STACK_DIR") + "/e2e-jwks.json";
    const test::PrivateKey old_key = test::generate_rsa_key();
    const test::PrivateKey new_key = test::generate_p256_key();
    const auto write_jwks = [&](const std::string& text) {
        std::ofstream(jwks_file, std::ios::trunc) << text;
    };
    const long long user = create_user(unique("jwks user"));
    Json::Value claims;
    claims["sub"] = std::to_string(user);
    claims["exp"] = Json::Int64{4102444800};  // 2100
    Json::Value old_kid;
    old_kid["kid"] = "old";
    Json::Value new_kid;
    new_kid["kid"] = "new";
    const std::string old_token = test::sign_rs256(claims, old_key.get(), old_kid);
    const std::string new_token = test::sign_es256(claims, new_key.get(), new_kid);
    const auto post_status = [&](const std::string& token) {
        const ActingAs as(token);
        return post_json(products(), product_body("signed with a key of the file")).status;
    };

    write_jwks(test::jwks_for(old_key.get(), "old"));
    stack_control("stop", "pms-api");
    stack_control("start", "pms-api PMS_JWT_JWKS_FILE=" + jwks_file);
    ASSERT_TRUE(wait_until_healthy(std::chrono::seconds(20)));
    EXPECT_EQ(post_status(old_token), 201);
    EXPECT_EQ(post_status(new_token), 401);
    EXPECT_EQ(post_status(token_for(user)), 201) << "the shared secret still works beside the file";

    const pid_t master = api_master_pid();
    write_jwks(test::jwks_for(new_key.get(), "new"));
    ASSERT_TRUE(reload_children(master, std::chrono::milliseconds(20000)));
    EXPECT_EQ(post_status(new_token), 201);
    EXPECT_EQ(post_status(old_token), 401);

    write_jwks("{\"keys\": [{\"kty\": \"RSA\", \"n\": 7}]}");
    ASSERT_TRUE(reload_children(master, std::chrono::milliseconds(20000)));
    EXPECT_EQ(post_status(new_token), 201) << "a broken file must keep the keys read before";

    stack_control("stop", "pms-api");
    stack_control("start", "pms-api");
    ASSERT_TRUE(wait_until_healthy(std::chrono::seconds(20)));
    std::remove(jwks_file.c_str());
}

}  // namespace
}  // namespace pms::e2e
