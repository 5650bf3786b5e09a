#pragma once
/// Publishing batches of image jobs to RabbitMQ with publisher confirms and the mandatory flag,
/// over one connection that it opens (declaring the topology) and drops on any failure. The loop
/// sees the interface; AmqpPublisher is rabbitmq-c's.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "worker/amqp/amqp.hpp"
#include "worker/bridge/confirm_tracker.hpp"
#include "worker/bridge/destination.hpp"

namespace pms::bridge {

struct PublisherOptions {
    std::string url;
    bool quorum_queues = false;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds confirm_timeout{30000};
    std::chrono::milliseconds stop_grace{5000};
};

/// How a batch ended. `ok` only when every message was acked and none returned.
struct PublishOutcome {
    bool ok = false;
    std::string failure;  ///< why not, for the log
    std::chrono::milliseconds elapsed{0};
};

class Publisher : public Destination {
public:
    /// Lets the connection send and check heartbeats while the bridge waits on PostgreSQL, and
    /// notices a broker that closed the connection. Throws amqp::Error (then disconnected).
    virtual void keep_alive() = 0;

    /// Publishes the messages to the work queue and waits for all their confirms (bounded by
    /// confirm_timeout; once `stopping` says so, by stop_grace more at most). Throws amqp::Error
    /// when the connection fails (then disconnected); a timeout or a returned message also
    /// drops the connection, so that the next one starts clean and declares the topology again.
    virtual PublishOutcome publish(const std::vector<amqp::Message>& messages,
                                   const std::function<bool()>& stopping) = 0;
};

class AmqpPublisher final : public Publisher {
public:
    explicit AmqpPublisher(PublisherOptions options);

    bool connected() const override { return connection_ != nullptr; }
    /// Connects, declares the exchange and queues, turns on confirms. Throws amqp::Error.
    void connect() override;
    void disconnect() override { connection_.reset(); }

    void keep_alive() override;
    PublishOutcome publish(const std::vector<amqp::Message>& messages,
                           const std::function<bool()>& stopping) override;

private:
    template <typename F>
    auto guarded(F&& f) -> decltype(f());

    PublisherOptions options_;
    std::unique_ptr<amqp::Connection> connection_;
};

}  // namespace pms::bridge
