/// Access to the stack under test.
#include "tests/e2e/stack.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "tests/e2e/http_client.hpp"

namespace pms::e2e {

std::string setting(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        ADD_FAILURE() << name << " is not set: run the end-to-end tests through scripts/test";
        return "";
    }
    return value;
}

std::string api_url() {
    return setting("PMS_API_URL");
}
std::string origin_dir() {
    return setting("PMS_TEST_ORIGIN_DIR");
}
std::string origin_url() {
    return setting("PMS_TEST_ORIGIN_URL");
}

std::string publish_on_origin(const std::string& name, const std::string& bytes) {
    std::ofstream file(origin_dir() + "/" + name, std::ios::binary);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(file.good()) << "cannot write " << name << " into the origin folder";
    return origin_url() + "/" + name;
}

void stack_control(const std::string& verb, const std::string& name) {
    const std::string command = setting("PMS_REPO_DIR") + "/scripts/stack " + verb + " " + name;
    // The stack's settings come from the environment scripts/test loaded (PMS_STACK_*).
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

long long create_user(const std::string& name) {
    const HttpResponse response =
        post_json(api_url() + "/api/v1/users", "{\"name\": \"" + name + "\"}");
    EXPECT_EQ(response.status, 201) << response.body;
    return response.json()["id"].asInt64();
}

std::string unique(const std::string& prefix) {
    static int counter = 0;
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(now) + "-" +
           std::to_string(++counter);
}

}  // namespace pms::e2e
