#pragma once
/// What the worker's end-to-end tests do to the stack under test: products whose images are on
/// the test origin, waiting for their processing through the API, and looking behind the API
/// where the tests must (the job rows' attempt counts, the objects in S3, the dead-letter
/// queue, the worker process itself).

#include <json/value.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace pms::worker::fixtures {}

namespace pms::e2e::worker {

/// The test images the unit tests use too (tests/unit/worker/image_fixtures.hpp).
namespace fixtures = pms::worker::fixtures;

/// A product created through the API.
struct Product {
    long long id = 0;
    std::string url;  ///< the API URL of the product
};

/// POSTs a product of a new user with these image URLs (201 expected; a failed test and id 0
/// otherwise).
Product create_product(const std::vector<std::string>& images);

/// GETs the product until `done` says so (bounded: fails the test after `bound`); returns the
/// last body.
Json::Value wait_for(const Product& product, const std::function<bool(const Json::Value&)>& done,
                     std::chrono::seconds bound, const std::string& what);

/// Until no image is pending or processing.
Json::Value wait_until_processed(const Product& product,
                                 std::chrono::seconds bound = std::chrono::seconds(60));

/// The job row of the product's live image at `position`, read with the owner's connection.
struct JobRow {
    long long id = 0;
    std::string status;
    int attempts = 0;
};
JobRow job_row(const Product& product, int position);

/// Keys stored in S3 under products/<id>/ (an S3 ListObjects on the stack's s3rver).
std::vector<std::string> s3_keys(const Product& product);

/// Takes the dead-lettered message of job `job_id` off pms.images.dead (bounded wait); false
/// when it does not arrive. Other dead letters stay in the queue.
bool take_dead_letter(long long job_id, std::chrono::seconds bound);

/// Publishes an image job message for `job_id` to the work queue, as the bridge would.
void publish_job(long long job_id, long long product_id);

/// The running pms-worker's pid (from the stack's pid file); 0 when none runs.
pid_t worker_pid();
/// SIGKILLs the worker and waits until it is gone.
void kill_worker();
/// Starts the worker again (scripts/stack start pms-worker) and waits until it consumes.
void start_worker();

/// The worker's log (it appends: tests search for lines written after a moment).
std::string worker_log();

/// A photo-like JPEG that takes a few seconds to download through the origin's /slow/ path.
std::string slow_jpeg();

}  // namespace pms::e2e::worker
