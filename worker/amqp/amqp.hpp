#pragma once
/// Thin RAII wrapper over rabbitmq-c: one connection with one channel, and one choke point
/// (`check`) that turns every rabbitmq-c status and RPC reply into an exception.

#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pms::amqp {

/// The connection or channel failed; the Connection is unusable afterwards.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A message body with the properties we use.
struct Message {
    std::string body;
    std::string message_id;
    std::string content_type = "application/json";
    std::string expiration;  ///< per-message TTL in milliseconds, as text; "" for none
    bool persistent = true;
    /// Integer headers (e.g. an attempt counter).
    std::vector<std::pair<std::string, int64_t>> headers;

    /// The value of an integer header, or `fallback`.
    int64_t header(std::string_view name, int64_t fallback) const;
};

/// A message delivered to a consumer, to be acknowledged by its tag.
struct Delivery {
    uint64_t delivery_tag = 0;
    bool redelivered = false;
    std::string routing_key;
    Message message;
};

/// What the broker says about published messages once confirms are on.
struct PublisherEvent {
    enum class Kind { kAck, kNack, kReturn };
    Kind kind = Kind::kAck;
    uint64_t delivery_tag = 0;  ///< ack and nack
    bool multiple = false;      ///< ack and nack: every tag up to delivery_tag
    std::string message_id;     ///< return: the returned message
    std::string reason;         ///< return: reply code and text
};

/// Arguments of a queue declaration.
struct QueueOptions {
    bool quorum = false;
    std::string dead_letter_exchange;
    std::string dead_letter_routing_key;
};

/// rabbitmq-c sends and checks heartbeats only inside its own calls: a program that waits
/// elsewhere (e.g. on PostgreSQL) must call next_publisher_event() or next_delivery() more often
/// than the heartbeat interval.
class Connection {
public:
    /// Connects to amqp://user:password@host:port/vhost and opens channel 1. `urls` may list the
    /// nodes of a cluster, comma-separated: they are tried in order (each within `timeout`) and
    /// the first that lets us in serves; the error names why each failed.
    Connection(std::string_view urls, std::chrono::milliseconds timeout,
               std::chrono::seconds heartbeat = std::chrono::seconds(30));
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void declare_exchange(std::string_view name, std::string_view type);
    void declare_queue(std::string_view name, const QueueOptions& options);
    void bind_queue(std::string_view queue, std::string_view exchange,
                    std::string_view routing_key);
    /// Removes every ready message of a queue; returns how many were removed.
    uint32_t purge_queue(std::string_view queue);

    /// Puts the channel in confirm mode; publish() then returns each message's delivery tag.
    void enable_publisher_confirms();
    uint64_t publish(std::string_view exchange, std::string_view routing_key,
                     const Message& message, bool mandatory);
    /// Waits up to `timeout` for an ack, nack or return; nothing on timeout.
    std::optional<PublisherEvent> next_publisher_event(std::chrono::milliseconds timeout);

    void set_prefetch(uint16_t count);
    void consume(std::string_view queue);
    /// Waits up to `timeout` for a delivery; nothing on timeout.
    std::optional<Delivery> next_delivery(std::chrono::milliseconds timeout);
    void ack(uint64_t delivery_tag);
    void reject(uint64_t delivery_tag, bool requeue);

private:
    void open(std::string_view url, std::chrono::milliseconds timeout,
              std::chrono::seconds heartbeat);
    void check(amqp_rpc_reply_t reply, const char* context);
    void check(int status, const char* context);
    [[noreturn]] void on_unexpected_frame(const amqp_frame_t& frame, const char* context);

    struct Destroy {
        void operator()(amqp_connection_state_t state) const { amqp_destroy_connection(state); }
    };
    std::unique_ptr<amqp_connection_state_t_, Destroy> state_;
    bool usable_ = true;
    uint64_t next_publish_tag_ = 1;
};

}  // namespace pms::amqp
