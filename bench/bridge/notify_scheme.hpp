#pragma once
/// The three ways a commit can wake pms-bridge that the benchmark compares, switched on the
/// benchmark's own throwaway database: no NOTIFY at all, the former NOTIFY per INSERT statement,
/// and the current one (only while a bridge waits; db/triggers/outbox_notify.sql).

#include <pqxx/pqxx>
#include <string>

namespace pms::bridge_bench {

enum class NotifyScheme { kNone, kPerStatement, kIdleAware };

std::string name(NotifyScheme scheme);

/// Installs `scheme` (as the database owner).
void use_scheme(pqxx::connection& owner, NotifyScheme scheme);

/// Back to the shipped trigger, and the benchmark's own trigger and function removed.
void restore_shipped_scheme(pqxx::connection& owner);

}  // namespace pms::bridge_bench
