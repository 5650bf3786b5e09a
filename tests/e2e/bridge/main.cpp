/// pms-bridge end-to-end tests: they run bridges of their own against the stack under test, so
/// the stack's pms-bridge and pms-worker are stopped meanwhile and started again at the end.
#include <gtest/gtest.h>

#include "tests/e2e/bridge/suite.hpp"
#include "tests/e2e/stack.hpp"

namespace {

class BridgeSuite : public ::testing::Environment {
public:
    void SetUp() override {
        // The worker would consume what the tests count; the stack's bridge would publish it.
        pms::e2e::stack_control("stop", "pms-worker");
        pms::e2e::stack_control("stop", "pms-bridge");
        leave_queue_empty();
    }
    void TearDown() override {
        leave_queue_empty();
        pms::e2e::stack_control("start", "pms-bridge");
        pms::e2e::stack_control("start", "pms-worker");
    }

private:
    static void leave_queue_empty() {
        try {
            pms::bridge_testkit::purge_work_queue(pms::e2e::setting("PMS_AMQP_URL"));
        } catch (const std::exception& e) {
            ADD_FAILURE() << "cannot purge the work queue: " << e.what();
        }
    }
};

}  // namespace

/// LeakSanitizer (scripts/test builds the tests with it): libpq leaks the result of a statement
/// sent on a connection that PostgreSQL has just closed, which the restart test does on purpose.
/// The allocation is inside libpq, not ours to free; leaks of our own code are still reported.
/// The sanitizer runtime looks the function up by this reserved name.
extern "C" const char* __lsan_default_suppressions() {  // NOLINT(bugprone-reserved-identifier)
    return "leak:libpq.so.5\n";
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new BridgeSuite);
    return RUN_ALL_TESTS();
}
