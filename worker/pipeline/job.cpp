/// The steps of one image job and the decision between completing, failing and retrying.
#include "worker/pipeline/job.hpp"

#include <algorithm>

#include "common/backoff.hpp"
#include "common/log.hpp"
#include "common/redact.hpp"
#include "worker/pipeline/failure.hpp"
#include "worker/pipeline/sha256.hpp"

namespace pms::worker {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kMaxRetryDelay = std::chrono::hours(1);

Json::Int64 milliseconds_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

std::chrono::milliseconds retry_delay(int attempt, std::chrono::milliseconds base) {
    return exponential_delay(base, 4, kMaxRetryDelay, static_cast<unsigned>(std::max(attempt, 1)));
}

const char* name_of(JobOutcome::Kind kind) {
    switch (kind) {
        case JobOutcome::Kind::kCompleted: return "completed";
        case JobOutcome::Kind::kSkipped: return "skipped";
        case JobOutcome::Kind::kFailed: return "failed";
        case JobOutcome::Kind::kRetry: return "retry";
    }
    return "?";
}

CompletedImage JobRunner::produce(const JobMessage& message, const StartDecision& start) {
    const Json::Int64 job_id = message.job_id;
    const auto fetch_start = Clock::now();
    std::string source = source_.fetch(start.source_url);
    const size_t source_bytes = source.size();
    const Json::Int64 fetch_ms = milliseconds_since(fetch_start);

    const auto transform_start = Clock::now();
    const EncodedImage image = transform(std::move(source), transform_);
    const Json::Int64 transform_ms = milliseconds_since(transform_start);

    // Content-addressed: a redelivered job writes the same key, never a second object.
    S3Object object;
    object.sha256_hex = sha256_hex(image.bytes);
    object.key = object_key(start.product_id, object.sha256_hex, image.extension);
    object.body = image.bytes;
    object.content_type = image.content_type;
    object.cache_control = std::string(kImmutableCacheControl);
    const auto upload_start = Clock::now();
    objects_.put(object);
    const Json::Int64 upload_ms = milliseconds_since(upload_start);

    log::info("image stored", {{"job_id", job_id},
                               {"product_id", Json::Int64(start.product_id)},
                               {"position", start.position},
                               {"key", object.key},
                               {"source_bytes", Json::UInt64(source_bytes)},
                               {"source_width", image.source_size.width},
                               {"source_height", image.source_size.height},
                               {"width", image.size.width},
                               {"height", image.size.height},
                               {"bytes", Json::UInt64(image.bytes.size())},
                               {"fetch_ms", fetch_ms},
                               {"transform_ms", transform_ms},
                               {"upload_ms", upload_ms}});

    CompletedImage completed;
    completed.compressed_url = objects_.public_url(object.key);
    completed.width = image.size.width;
    completed.height = image.size.height;
    completed.bytes = static_cast<int64_t>(image.bytes.size());
    return completed;
}

JobOutcome JobRunner::run(const JobMessage& message, int attempt) {
    const Json::Int64 job_id = message.job_id;
    JobOutcome outcome;
    try {
        const StartDecision start = store_.start(message.job_id, message.request_id);
        if (!start.process) {
            outcome.kind = JobOutcome::Kind::kSkipped;
            outcome.detail = start.reason;
            log::info("job skipped", {{"job_id", job_id}, {"reason", start.reason}});
            return outcome;
        }
        attempt = std::max(attempt, start.attempts);
        outcome.attempt = attempt;
        if (attempt > retry_.max_attempts) {
            return give_up(message, attempt);
        }
        log::debug("job started", {{"job_id", job_id},
                                   {"product_id", Json::Int64(start.product_id)},
                                   {"position", start.position},
                                   {"source_url", redact_url(start.source_url)},
                                   {"attempt", attempt}});
        const CompletedImage image = produce(message, start);
        outcome.kind = JobOutcome::Kind::kCompleted;
        outcome.detail = store_.complete(message.job_id, image, message.request_id);
        log::info("job completed", {{"job_id", job_id},
                                    {"status", outcome.detail},
                                    {"compressed_url", image.compressed_url},
                                    {"attempt", attempt}});
        return outcome;
    } catch (const Failure& failure) {
        return on_failure(message, attempt, failure);
    } catch (const Interrupted&) {
        throw;
    } catch (const std::exception& error) {
        // Not foreseen (out of memory, a library refusing an option): perhaps gone next time.
        return on_failure(message, attempt,
                          transient_failure(ClientMessage::internal_error(),
                                            std::string("internal error: ") + error.what()));
    }
}

JobOutcome JobRunner::give_up(const JobMessage& message, int attempt) {
    JobOutcome outcome;
    outcome.kind = JobOutcome::Kind::kFailed;
    outcome.attempt = attempt;
    const ClientMessage error = ClientMessage::gave_up(attempt - 1);
    outcome.detail = error.text();
    const std::string status = store_.fail(message.job_id, error, message.request_id);
    log::error("job given up: its deliveries never finished",
               {{"job_id", message.job_id},
                {"attempt", attempt},
                {"max_attempts", retry_.max_attempts},
                {"status", status}});
    return outcome;
}

JobOutcome JobRunner::on_failure(const JobMessage& message, int attempt, const Failure& failure) {
    const Json::Int64 job_id = message.job_id;
    JobOutcome outcome;
    outcome.attempt = attempt;
    outcome.detail = failure.detail();
    // The log line (with the request id) keeps the detail; the image records only the client's
    // text, which names no host, address or port.
    if (should_retry(failure.kind(), attempt, retry_.max_attempts)) {
        outcome.kind = JobOutcome::Kind::kRetry;
        outcome.retry_delay = retry_delay(attempt, retry_.base_delay);
        log::warn("job failed, will retry",
                  {{"job_id", job_id},
                   {"error", failure.detail()},
                   {"client_error", failure.client_message().text()},
                   {"attempt", attempt},
                   {"max_attempts", retry_.max_attempts},
                   {"retry_in_ms", Json::Int64(outcome.retry_delay.count())}});
        return outcome;
    }
    outcome.kind = JobOutcome::Kind::kFailed;
    // Throws when even this cannot be recorded; the consumer then dead-letters the message.
    const std::string status =
        store_.fail(message.job_id, failure.client_message(), message.request_id);
    log::warn("job failed", {{"job_id", job_id},
                             {"error", failure.detail()},
                             {"client_error", failure.client_message().text()},
                             {"failure", name_of(failure.kind())},
                             {"attempt", attempt},
                             {"status", status}});
    return outcome;
}

}  // namespace pms::worker
