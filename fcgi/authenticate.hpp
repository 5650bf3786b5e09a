#pragma once
/// The door: a request's bearer token (RFC 6750) checked before its handler runs, so that a
/// handler knows who is acting and the database can hold them to their rights (pms.may_act_for).

#include <optional>
#include <string_view>

#include "fcgi/api_config.hpp"
#include "fcgi/auth/jwt.hpp"

namespace pms::api {

class Authenticator {
public:
    /// Parses the keys of `config`; throws ConfigError when they cannot be used.
    explicit Authenticator(const ApiConfig& config);

    /// Who sent a request with this Authorization header ("" when absent): nothing when it
    /// carries no bearer token and none is `required`. A token that is there is always checked.
    /// Throws ApiError 401 with the WWW-Authenticate header of RFC 6750 §3.
    std::optional<auth::Principal> authenticate(std::string_view authorization, bool required);

private:
    auth::Verifier verifier_;
};

}  // namespace pms::api
