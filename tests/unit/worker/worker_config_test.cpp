/// pms-worker's settings: defaults, the prefetch that follows the concurrency, the output format.
#include "worker/pipeline/worker_config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <thread>

namespace pms::worker {
namespace {

class WorkerConfigTest : public ::testing::Test {
protected:
    // The one required setting; each test sets the others it needs.
    void SetUp() override {
        setenv("PMS_WORKER_DATABASE_URL", "postgresql://pms_worker@db/pms", 1);
    }
    void TearDown() override {
        for (const char* name :
             {"PMS_WORKER_DATABASE_URL", "PMS_WORKER_CONCURRENCY", "PMS_WORKER_PREFETCH",
              "PMS_IMAGE_FORMAT", "PMS_IMAGE_PROGRESSIVE", "PMS_MAX_PIXELS", "PMS_IMAGE_QUALITY"}) {
            unsetenv(name);
        }
    }
    static WorkerConfig load() { return WorkerConfig::load(Config(kWorker)); }
};

TEST_F(WorkerConfigTest, Defaults) {
    const WorkerConfig c = load();
    EXPECT_EQ(c.concurrency, static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
    EXPECT_EQ(c.consumer.prefetch, c.concurrency);
    EXPECT_EQ(c.image.output.format, OutputFormat::kJpeg);
    EXPECT_FALSE(c.image.output.progressive);
    EXPECT_EQ(c.image.output.quality, 75);
    EXPECT_EQ(c.image.decode.max_pixels, 50'000'000);
    EXPECT_EQ(c.image.max_width, 800);
    EXPECT_EQ(c.image.max_height, 600);
}

// Never the owner's URL instead: a worker without its own stops at start, naming the setting.
TEST_F(WorkerConfigTest, ItsOwnDatabaseUrlIsRequired) {
    setenv("PMS_DATABASE_URL", "postgresql://owner@db/pms", 1);
    unsetenv("PMS_WORKER_DATABASE_URL");
    try {
        (void)load();
        ADD_FAILURE() << "loaded without PMS_WORKER_DATABASE_URL";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()).rfind("PMS_WORKER_DATABASE_URL must be set", 0), 0u)
            << error.what();
    }
    unsetenv("PMS_DATABASE_URL");
}

TEST_F(WorkerConfigTest, PrefetchIsAtLeastTheConcurrency) {
    setenv("PMS_WORKER_CONCURRENCY", "4", 1);
    EXPECT_EQ(load().consumer.prefetch, 4);
    setenv("PMS_WORKER_PREFETCH", "1", 1);  // e.g. an older env file
    EXPECT_EQ(load().consumer.prefetch, 4);
    setenv("PMS_WORKER_PREFETCH", "10", 1);
    EXPECT_EQ(load().consumer.prefetch, 10);
    EXPECT_EQ(load().concurrency, 4);
}

TEST_F(WorkerConfigTest, OutputOptions) {
    setenv("PMS_IMAGE_FORMAT", "webp", 1);
    setenv("PMS_IMAGE_PROGRESSIVE", "1", 1);
    setenv("PMS_MAX_PIXELS", "1000000", 1);
    const WorkerConfig c = load();
    EXPECT_EQ(c.image.output.format, OutputFormat::kWebp);
    EXPECT_TRUE(c.image.output.progressive);
    EXPECT_EQ(c.image.decode.max_pixels, 1'000'000);
}

TEST_F(WorkerConfigTest, BadValuesNameTheVariable) {
    setenv("PMS_IMAGE_FORMAT", "gif", 1);
    try {
        load();
        FAIL() << "no ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "PMS_IMAGE_FORMAT must be jpeg or webp, got 'gif'");
    }
    unsetenv("PMS_IMAGE_FORMAT");
    setenv("PMS_WORKER_CONCURRENCY", "0", 1);
    EXPECT_THROW(load(), ConfigError);
    setenv("PMS_WORKER_CONCURRENCY", "2", 1);
    setenv("PMS_IMAGE_PROGRESSIVE", "yes", 1);
    EXPECT_THROW(load(), ConfigError);
}

}  // namespace
}  // namespace pms::worker
