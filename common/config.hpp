#pragma once
/// Settings read from PMS_ environment variables, declared once in one table.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pms {

/// The programs that read settings; a setting names the programs it concerns.
enum Program : unsigned {
    kApi = 1U << 0U,
    kBridge = 1U << 1U,
    kWorker = 1U << 2U,
    /// db/migrate (a script): listed so that its one setting is declared and documented here too.
    kMigrate = 1U << 3U,
};

/// One row of the settings table.
struct Setting {
    const char* name;
    const char* default_value;  ///< "" when unset by default
    unsigned programs;          ///< bit set of Program
    const char* help;
};

/// Every setting the project reads. The README lists the same rows (a unit test keeps them in
/// step).
const std::vector<Setting>& all_settings();

/// A setting whose value cannot be used; the message names the variable and what it expects.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A program's view of its settings: the environment, then the default.
class Config {
public:
    explicit Config(Program program) : program_(program) {}

    /// The value as text ("" when unset and without default).
    std::string string(std::string_view name) const;
    /// The value; throws ConfigError naming the setting when it is unset or empty.
    std::string required(std::string_view name) const;
    /// The value as an integer in [min, max].
    long integer(std::string_view name, long min, long max) const;
    /// The value split at commas, items trimmed, empty items dropped.
    std::vector<std::string> list(std::string_view name) const;

    Program program() const { return program_; }

private:
    Program program_;
};

/// Writes the settings of `program` with their defaults, for --help.
std::string describe_settings(Program program);

}  // namespace pms
