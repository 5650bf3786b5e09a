#pragma once
/// The command line every program shares: --help and --version; everything else is configured
/// through the environment.

#include <optional>

#include "common/config.hpp"

namespace pms {

/// What a program says about itself in --help.
struct ProgramInfo {
    const char* name;
    Program program;
    const char* summary;
};

/// Handles the command line: returns an exit code when the program should stop now
/// (--help, --version, or an unknown argument), nothing when it should run.
std::optional<int> handle_command_line(int argc, char** argv, const ProgramInfo& info);

/// handle_command_line(), then logging at PMS_LOG_LEVEL: the start of every main(). Returns an
/// exit code when the program should stop now (2 for a bad log level).
std::optional<int> start_program(int argc, char** argv, const ProgramInfo& info);

}  // namespace pms
