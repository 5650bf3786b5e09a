#include "common/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace {

class ConfigTest : public ::testing::Test {
protected:
    void TearDown() override {
        for (const char* name :
             {"PMS_CACHE_TTL", "PMS_DATABASE_URL", "PMS_API_DATABASE_URL", "PMS_FETCH_ALLOW"}) {
            unsetenv(name);
        }
    }
};

TEST_F(ConfigTest, DefaultApplies) {
    pms::Config config(pms::kApi);
    EXPECT_EQ(config.integer("PMS_CACHE_TTL", 1, 100000), 1800);
}

TEST_F(ConfigTest, EnvironmentOverridesDefault) {
    setenv("PMS_CACHE_TTL", "60", 1);
    EXPECT_EQ(pms::Config(pms::kApi).integer("PMS_CACHE_TTL", 1, 100000), 60);
}

// A program never falls back to the owner's URL: a missing one of its own stops it at start.
TEST_F(ConfigTest, ARequiredSettingThatIsUnsetIsAnError) {
    setenv("PMS_DATABASE_URL", "postgresql://owner@db/pms", 1);
    pms::Config config(pms::kApi);
    try {
        (void)config.required("PMS_API_DATABASE_URL");
        ADD_FAILURE() << "an unset PMS_API_DATABASE_URL was accepted";
    } catch (const pms::ConfigError& error) {
        EXPECT_EQ(std::string(error.what()).rfind("PMS_API_DATABASE_URL must be set: ", 0), 0u)
            << error.what();
    }
    setenv("PMS_API_DATABASE_URL", "postgresql://api@db/pms", 1);
    EXPECT_EQ(config.required("PMS_API_DATABASE_URL"), "postgresql://api@db/pms");
}

TEST_F(ConfigTest, BadIntegerNamesTheVariable) {
    setenv("PMS_CACHE_TTL", "soon", 1);
    try {
        pms::Config(pms::kApi).integer("PMS_CACHE_TTL", 1, 100);
        FAIL() << "expected ConfigError";
    } catch (const pms::ConfigError& error) {
        EXPECT_STREQ(error.what(), "PMS_CACHE_TTL must be an integer from 1 to 100, got 'soon'");
    }
    setenv("PMS_CACHE_TTL", "1000", 1);
    EXPECT_THROW(pms::Config(pms::kApi).integer("PMS_CACHE_TTL", 1, 100), pms::ConfigError);
}

TEST_F(ConfigTest, ListIsSplitAndTrimmed) {
    setenv("PMS_FETCH_ALLOW", " 127.0.0.1, ,::1 ", 1);
    const auto items = pms::Config(pms::kWorker).list("PMS_FETCH_ALLOW");
    ASSERT_EQ(items.size(), 2U);
    EXPECT_EQ(items[0], "127.0.0.1");
    EXPECT_EQ(items[1], "::1");
}

TEST_F(ConfigTest, UndeclaredNameIsAProgrammingError) {
    EXPECT_THROW(pms::Config(pms::kApi).string("PMS_NOT_A_SETTING"), std::logic_error);
}

TEST_F(ConfigTest, HelpListsOnlyTheProgramsSettings) {
    const std::string api = pms::describe_settings(pms::kApi);
    EXPECT_NE(api.find("PMS_CACHE_TTL"), std::string::npos);
    EXPECT_EQ(api.find("PMS_S3_BUCKET"), std::string::npos);
}

TEST_F(ConfigTest, ReadmeDocumentsEverySettingWithItsDefault) {
    std::ifstream file(PMS_README_PATH);
    ASSERT_TRUE(file) << "cannot read " << PMS_README_PATH;
    std::stringstream text;
    text << file.rdbuf();
    const std::string readme = text.str();
    for (const pms::Setting& setting : pms::all_settings()) {
        const std::string row = std::string("| `") + setting.name + "` |";
        const auto at = readme.find(row);
        ASSERT_NE(at, std::string::npos) << setting.name << " is missing from README.md";
        if (*setting.default_value != '\0') {
            const std::string line = readme.substr(at, readme.find('\n', at) - at);
            EXPECT_NE(line.find(std::string("`") + setting.default_value + "`"), std::string::npos)
                << "README.md does not give the default of " << setting.name << ": " << line;
        }
    }
}

}  // namespace
