#pragma once
/// Publishes retry copies of jobs to the delay queue on a connection of its own, in confirm mode:
/// the original is acknowledged only after the broker confirmed the copy.

#include <chrono>
#include <memory>
#include <string>

#include "worker/amqp/amqp.hpp"

namespace pms::worker {

class RetryPublisher {
public:
    RetryPublisher(std::string url, std::chrono::milliseconds timeout);

    /// Publishes `message` to pms.images with routing key "retry" (mandatory) and waits for the
    /// broker's confirm. Throws amqp::Error when the broker nacks, returns it as unroutable, or
    /// does not confirm in time.
    void publish(const amqp::Message& message);

private:
    void publish_once(const amqp::Message& message);

    std::string url_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<amqp::Connection> connection_;  ///< opened on first use
};

}  // namespace pms::worker
