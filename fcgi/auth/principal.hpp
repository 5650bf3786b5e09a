#pragma once
/// Who a verified bearer token speaks for.

#include <chrono>
#include <cstdint>

namespace pms::api::auth {

struct Principal {
    std::int64_t user_id;                           ///< the token's sub, always > 0
    bool admin;                                     ///< the token's role is "admin"
    std::chrono::system_clock::time_point expires;  ///< the token's exp
};

}  // namespace pms::api::auth
