#pragma once
/// Who the end-to-end tests act as. Every request carries a bearer token: an admin's unless a
/// test says otherwise with ActingAs, so that tests about other things create and change
/// products for any user, as before there were tokens.

#include <string>

namespace pms::e2e {

/// A token for `user_id` (an admin's with `admin`) signed with the stack's PMS_JWT_SECRET, valid
/// for `ttl_seconds` from now (negative: expired that long ago).
std::string token_for(long long user_id, bool admin = false, long ttl_seconds = 3600);

/// The bearer token this thread's requests carry now; "" for none.
const std::string& current_token();

/// While it lives, this thread's requests carry `token` ("" : no Authorization header at all).
class ActingAs {
public:
    explicit ActingAs(std::string token);
    ~ActingAs();
    ActingAs(const ActingAs&) = delete;
    ActingAs& operator=(const ActingAs&) = delete;

private:
    std::string previous_;
};

}  // namespace pms::e2e
