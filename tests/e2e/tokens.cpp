/// Tokens of the end-to-end tests, signed as scripts/stack token signs them.
#include "tests/e2e/tokens.hpp"

#include <chrono>

#include "tests/e2e/stack.hpp"
#include "tests/support/jwt_sign.hpp"

namespace pms::e2e {

namespace {

/// The admin the tests act as by default; the id needs no user behind it.
constexpr long long kTestAdmin = 1;

std::string& acting_token() {
    thread_local std::string token = token_for(kTestAdmin, true);
    return token;
}

}  // namespace

std::string token_for(long long user_id, bool admin, long ttl_seconds) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    Json::Value claims;
    claims["sub"] = std::to_string(user_id);
    if (admin) {
        claims["role"] = "admin";
    }
    claims["iat"] = static_cast<Json::Int64>(now);
    claims["exp"] = static_cast<Json::Int64>(now + ttl_seconds);
    return test::sign_hs256(claims, setting("PMS_JWT_SECRET"));
}

const std::string& current_token() {
    return acting_token();
}

ActingAs::ActingAs(std::string token) : previous_(std::move(token)) {
    std::swap(previous_, acting_token());
}

ActingAs::~ActingAs() {
    acting_token() = std::move(previous_);
}

}  // namespace pms::e2e
