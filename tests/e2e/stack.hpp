#pragma once
/// Where the stack under test is: read from the environment scripts/test sets.

#include <string>

namespace pms::e2e {

/// A variable that scripts/test sets (the stack's pms.env, PMS_REPO_DIR, ...); fails the calling
/// test when it is missing.
std::string setting(const char* name);

/// PMS_API_URL: the API through nginx, e.g. http://127.0.0.1:28080.
std::string api_url();
/// PMS_TEST_ORIGIN_DIR / PMS_TEST_ORIGIN_URL: a folder served by the test origin and its URL.
std::string origin_dir();
std::string origin_url();

/// Writes `bytes` into the origin folder as `name`; returns its URL.
std::string publish_on_origin(const std::string& name, const std::string& bytes);

/// Runs `scripts/stack VERB NAME` (e.g. "stop", "redis") on the stack under test; fails the
/// calling test when it does not succeed.
void stack_control(const std::string& verb, const std::string& name);

/// Creates a user through the API and returns its id.
long long create_user(const std::string& name);

/// A unique suffix so tests do not see each other's data.
std::string unique(const std::string& prefix);

}  // namespace pms::e2e
