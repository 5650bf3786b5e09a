#pragma once
/// SHA-256 through OpenSSL, for S3 payload hashes and content-addressed keys.

#include <string>
#include <string_view>

namespace pms {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace pms
