#pragma once
/// The stale-copy race of the caches, for real: a DBA renames a product again and again while
/// readers keep missing and filling.

#include <string>

namespace pms::e2e {

/// Renames product `id` to "name 1" ... "name <renames>" in psql's way (one committed UPDATE each,
/// as the owner) while 4 threads keep GETting `url`; returns once the renames and the readers are
/// done.
void rename_while_reading(const std::string& url, const std::string& id, int renames);

}  // namespace pms::e2e
