/// systemd/pms.env.example (installed as /etc/pms/pms.env.example, copied to pms.env) names every
/// setting the programs read, with its default where it is commented out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/config.hpp"

namespace {

std::string example() {
    std::ifstream file(PMS_ENV_EXAMPLE_PATH);
    EXPECT_TRUE(file) << "cannot read " << PMS_ENV_EXAMPLE_PATH;
    std::stringstream text;
    text << file.rdbuf();
    return "\n" + text.str();
}

TEST(EnvExample, NamesEverySettingOnce) {
    const std::string text = example();
    for (const pms::Setting& setting : pms::all_settings()) {
        const std::string set = std::string("\n") + setting.name + "=";
        const std::string commented = std::string("\n#") + setting.name + "=";
        const auto at_set = text.find(set);
        const auto at_commented = text.find(commented);
        EXPECT_NE(at_set == std::string::npos, at_commented == std::string::npos)
            << setting.name << " must appear once in pms.env.example, as NAME= or #NAME=";
    }
}

TEST(EnvExample, CommentedOutLinesShowTheDefault) {
    const std::string text = example();
    for (const pms::Setting& setting : pms::all_settings()) {
        const std::string line =
            std::string("\n#") + setting.name + "=" + setting.default_value + "\n";
        if (text.find(std::string("\n#") + setting.name + "=") != std::string::npos) {
            EXPECT_NE(text.find(line), std::string::npos)
                << "pms.env.example: #" << setting.name << "= should show the default '"
                << setting.default_value << "'";
        }
    }
}

TEST(EnvExample, AssignsNothingTheProgramsDoNotRead) {
    std::istringstream lines(example());
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
        EXPECT_TRUE(known) << "pms.env.example sets " << name << ", which no program reads";
    }
}

}  // namespace
