/// --help and --version for every program.
#include "common/cli.hpp"

#include <cstring>
#include <iostream>

#include "common/log.hpp"
#include "pms/version.hpp"

namespace pms {

std::optional<int> handle_command_line(int argc, char** argv, const ProgramInfo& info) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::cout << info.name << " " << PMS_VERSION << "\n";
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::cout << "Usage: " << info.name << " [--help] [--version]\n\n"
                      << info.summary << "\n\n"
                      << "Configured through the environment (systemd: EnvironmentFile=):\n"
                      << describe_settings(info.program);
            return 0;
        }
        std::cerr << info.name << ": unknown argument '" << argv[i] << "' (see --help)\n";
        return 2;
    }
    return std::nullopt;
}

std::optional<int> start_program(int argc, char** argv, const ProgramInfo& info) {
    if (auto exit_code = handle_command_line(argc, argv, info)) {
        return exit_code;
    }
    try {
        log::init(info.name, Config(info.program).string("PMS_LOG_LEVEL"));
    } catch (const std::exception& error) {
        std::cerr << info.name << ": " << error.what() << "\n";
        return 2;
    }
    return std::nullopt;
}

}  // namespace pms
