#pragma once
/// One image job end to end: start → fetch → transform → upload → complete (or fail), returning
/// what should happen to its message. Knows nothing of RabbitMQ.

#include <chrono>
#include <string>
#include <utility>

#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/fetcher.hpp"
#include "worker/pipeline/image_transform.hpp"
#include "worker/pipeline/job_message.hpp"
#include "worker/pipeline/job_store.hpp"
#include "worker/pipeline/s3_client.hpp"

namespace pms::worker {

struct RetrySettings {
    int max_attempts = 3;
    std::chrono::milliseconds base_delay{2000};
};

/// How long a job waits in the delay queue after failing delivery attempt `attempt` (1-based):
/// base × 4^(attempt−1) (2 s, 8 s, 32 s, ...), capped at one hour.
std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base);

/// How a job ended, which decides the fate of its message.
struct JobOutcome {
    enum class Kind {
        kCompleted,  ///< written back (or found superseded/missing at write-back): ack
        kSkipped,    ///< start said skip (done, superseded, missing): ack
        kFailed,     ///< recorded as failed (permanent, or the last attempt): dead-letter
        kRetry,      ///< transient and attempts left: to the delay queue, then ack
    };
    Kind kind = Kind::kCompleted;
    /// The final status, the skip reason, or the error in full (for the log, not for clients).
    std::string detail;
    std::chrono::milliseconds retry_delay{0};  ///< kRetry only
    /// The attempt this run counted as: the delivery's, or more when the database counted more
    /// starts (deliveries that never finished: the worker crashed or was stopped).
    int attempt = 1;
};

const char* name_of(JobOutcome::Kind kind);

class JobRunner {
public:
    JobRunner(JobStore& store, ImageSource& source, ObjectStore& objects,
              TransformOptions transform, RetrySettings retry)
        : store_(store),
          source_(source),
          objects_(objects),
          transform_(std::move(transform)),
          retry_(retry) {}

    /// Runs the job of `message` on delivery attempt `attempt` (1-based). Job failures become
    /// outcomes; throws only when the outcome cannot be recorded (database errors other than an
    /// outage) or Interrupted when the worker stops while waiting for PostgreSQL.
    ///
    /// The attempt that counts is the larger of `attempt` and the starts the database counted:
    /// a job whose deliveries keep dying with the worker (a crash, an out-of-memory kill) is
    /// redelivered without a new attempt number, and must not come back forever. Past
    /// max_attempts it fails without being processed again.
    JobOutcome run(const JobMessage& message, int attempt);

private:
    /// Fetch, transform, upload: the compressed image as the write-back records it.
    CompletedImage produce(const JobMessage& message, const StartDecision& start);
    /// Records that the job's deliveries kept dying, and gives up.
    JobOutcome give_up(const JobMessage& message, int attempt);
    /// Retry later, or record the failure for good.
    JobOutcome on_failure(const JobMessage& message, int attempt, const Failure& failure);

    JobStore& store_;
    ImageSource& source_;
    ObjectStore& objects_;
    TransformOptions transform_;
    RetrySettings retry_;
};

}  // namespace pms::worker
