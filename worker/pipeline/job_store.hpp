#pragma once
/// The job's side of PostgreSQL: api.start_image_job, api.complete_image_job and
/// api.fail_image_job (db/README.md), over one libpqxx connection held for the process.

#include <json/value.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "worker/pipeline/failure.hpp"

namespace pms::worker {

/// What api.start_image_job decided.
struct StartDecision {
    bool process = false;
    std::string reason;  ///< when skipped: "done", "superseded" or "missing"
    /// Starts counted for the job, this one included (0 when skipped).
    int attempts = 0;
    int64_t product_id = 0;
    int position = -1;
    std::string source_url;
};

/// Reads the jsonb api.start_image_job returns; throws std::runtime_error for another shape.
StartDecision parse_start_decision(const Json::Value& result);

/// The result the write-back records.
struct CompletedImage {
    std::string compressed_url;
    int width = 0;
    int height = 0;
    int64_t bytes = 0;
};

/// Where job state lives (an interface so that job tests can stand in for PostgreSQL). Each call
/// returns only once the database answered: an unreachable database is waited for (see
/// PgJobStore), other database errors throw a transient Failure.
class JobStore {
public:
    virtual ~JobStore() = default;
    virtual StartDecision start(int64_t job_id, const std::string& request_id) = 0;
    /// Returns the status the job ends in: "done", "superseded" or "missing".
    virtual std::string complete(int64_t job_id, const CompletedImage& image,
                                 const std::string& request_id) = 0;
    /// Records `error` on the image, where API clients read it. Returns the status the job ends
    /// in: "failed", "superseded" or "missing".
    virtual std::string fail(int64_t job_id, const ClientMessage& error,
                             const std::string& request_id) = 0;
};

/// Sleeps up to the given time while keeping the worker responsive; false when it is stopping.
using Pause = std::function<bool(std::chrono::milliseconds)>;

/// JobStore on PostgreSQL. The connection is opened on first use, its statements prepared once;
/// when PostgreSQL goes away the call reconnects with backoff and runs again (the job's message
/// stays unacknowledged meanwhile), until it succeeds or `pause` says the worker is stopping
/// (then it throws Interrupted).
class PgJobStore final : public JobStore {
public:
    PgJobStore(std::string url, Pause pause);
    ~PgJobStore() override;

    StartDecision start(int64_t job_id, const std::string& request_id) override;
    std::string complete(int64_t job_id, const CompletedImage& image,
                         const std::string& request_id) override;
    std::string fail(int64_t job_id, const ClientMessage& error,
                     const std::string& request_id) override;

    /// Connects now (at start-up), waiting for PostgreSQL like a call would.
    void connect();

private:
    /// The libpqxx connection with its prepared statements (kept out of this header).
    struct Session;

    /// Runs `run` on a live session: the retry loop around lost connections.
    Json::Value call(int64_t job_id, const std::function<std::string(Session&)>& run);
    Session& session();

    std::string url_;
    Pause pause_;
    std::unique_ptr<Session> session_;
};

}  // namespace pms::worker
