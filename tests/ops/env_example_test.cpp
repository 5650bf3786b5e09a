/// systemd/<service>.env.example (installed as /etc/pms/<service>.env.example, copied to
/// <service>.env) names every setting its program reads and nothing else, with its default where
/// it is commented out: each service gets only its own settings and credentials.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/config.hpp"

namespace {

struct Example {
    const char* file;
    pms::Program program;
};

constexpr Example kExamples[] = {
    {"api.env.example", pms::kApi},
    {"bridge.env.example", pms::kBridge},
    {"worker.env.example", pms::kWorker},
    {"migrate.env.example", pms::kMigrate},
};

std::string text_of(const Example& example) {
    const std::string path = std::string(PMS_ENV_EXAMPLE_DIR) + "/" + example.file;
    std::ifstream file(path);
    EXPECT_TRUE(file) << "cannot read " << path;
    std::stringstream text;
    text << file.rdbuf();
    return "\n" + text.str();
}

bool reads(const pms::Setting& setting, pms::Program program) {
    return (setting.programs & program) != 0U;
}

TEST(EnvExample, NamesEverySettingOfItsProgramOnce) {
    for (const Example& example : kExamples) {
        const std::string text = text_of(example);
        for (const pms::Setting& setting : pms::all_settings()) {
            const auto set = text.find(std::string("\n") + setting.name + "=");
            const auto commented = text.find(std::string("\n#") + setting.name + "=");
            if (reads(setting, example.program)) {
                EXPECT_NE(set == std::string::npos, commented == std::string::npos)
                    << setting.name << " must appear once in " << example.file
                    << ", as NAME= or #NAME=";
            } else {
                EXPECT_TRUE(set == std::string::npos && commented == std::string::npos)
                    << example.file << " names " << setting.name
                    << ", which its program does not read";
            }
        }
    }
}

TEST(EnvExample, EverySettingHasAFile) {
    for (const pms::Setting& setting : pms::all_settings()) {
        bool found = false;
        for (const Example& example : kExamples) {
            found = found || reads(setting, example.program);
        }
        EXPECT_TRUE(found) << setting.name << " belongs to no service's file";
    }
}

TEST(EnvExample, CommentedOutLinesShowTheDefault) {
    for (const Example& example : kExamples) {
        const std::string text = text_of(example);
        for (const pms::Setting& setting : pms::all_settings()) {
            const std::string line =
                std::string("\n#") + setting.name + "=" + setting.default_value + "\n";
            if (text.find(std::string("\n#") + setting.name + "=") != std::string::npos) {
                EXPECT_NE(text.find(line), std::string::npos)
                    << example.file << ": #" << setting.name << "= should show the default '"
                    << setting.default_value << "'";
            }
        }
    }
}

TEST(EnvExample, AssignsNothingTheProgramsDoNotRead) {
    for (const Example& example : kExamples) {
        std::istringstream lines(text_of(example));
        std::string line;
        while (std::getline(lines, line)) {
            const std::string text = line.rfind('#', 0) == 0 ? line.substr(1) : line;
            if (text.rfind("PMS_", 0) != 0 || text.find('=') == std::string::npos) {
                continue;
            }
            const std::string name = text.substr(0, text.find('='));
            bool known = false;
            for (const pms::Setting& setting : pms::all_settings()) {
                known = known || name == setting.name;
            }
            EXPECT_TRUE(known) << example.file << " sets " << name << ", which no program reads";
        }
    }
}

}  // namespace
