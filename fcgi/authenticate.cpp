/// Bearer tokens at the door.
#include "fcgi/authenticate.hpp"

#include "common/config.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/auth/jwks.hpp"

namespace pms::api {

namespace {

auth::VerifierSettings settings_from(const ApiConfig& config) {
    auth::VerifierSettings settings;
    settings.hs256_secret = config.jwt_secret;
    if (!config.jwks.empty()) {
        try {
            settings.jwks = auth::parse_jwks(config.jwks);
        } catch (const auth::JwksError& error) {
            throw ConfigError(std::string("PMS_JWT_JWKS_FILE: ") + error.what());
        }
    }
    settings.audience = config.jwt_audience;
    settings.issuer = config.jwt_issuer;
    return settings;
}

/// The token of an "Authorization: Bearer <token>" header; nothing for another scheme or none.
/// The scheme is case-insensitive (RFC 9110 §11.1).
std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() < kScheme.size()) {
        return std::nullopt;
    }
    for (size_t i = 0; i < kScheme.size(); ++i) {
        const char c = authorization[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) {
            return std::nullopt;
        }
    }
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    while (!token.empty() && token.back() == ' ') {
        token.remove_suffix(1);
    }
    return token;
}

ApiError unauthorized(const std::string& message, const std::string& challenge) {
    ApiError error = error_with_status(401, message);
    error.headers.emplace_back("WWW-Authenticate", challenge);
    return error;
}

}  // namespace

Authenticator::Authenticator(const ApiConfig& config) : verifier_(settings_from(config)) {}

std::optional<auth::Principal> Authenticator::authenticate(std::string_view authorization,
                                                           bool required) {
    const std::optional<std::string_view> token = bearer_token(authorization);
    if (!token) {
        if (required) {
            throw unauthorized("a bearer token is required (Authorization: Bearer <token>)",
                               "Bearer");
        }
        return std::nullopt;
    }
    try {
        return verifier_.verify(*token, std::chrono::system_clock::now());
    } catch (const auth::TokenError& error) {
        // The description carries no quotes or backslashes (auth::TokenError), so it can stand in
        // the quoted string of the challenge as it is.
        throw unauthorized(std::string("invalid token: ") + error.what(),
                           std::string("Bearer error=\"invalid_token\", error_description=\"") +
                               error.what() + "\"");
    }
}

}  // namespace pms::api
