/// rabbitmq-c connection, declarations, publishing with confirms, consuming with acks.
#include "worker/amqp/amqp.hpp"

#include <amqp_tcp_socket.h>

#include <algorithm>
#include <string>

namespace pms::amqp {

namespace {

constexpr amqp_channel_t kChannel = 1;

timeval to_timeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return tv;
}

amqp_bytes_t bytes(std::string_view text) {
    return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

std::string text(amqp_bytes_t value) {
    return std::string(static_cast<const char*>(value.bytes), value.len);
}

/// A table of string and integer entries that points into strings the caller keeps alive.
class Table {
public:
    void add(std::string_view key, std::string_view value) {
        amqp_table_entry_t entry{};
        entry.key = bytes(key);
        entry.value.kind = AMQP_FIELD_KIND_UTF8;
        entry.value.value.bytes = bytes(value);
        entries_.push_back(entry);
    }
    void add(std::string_view key, int64_t value) {
        amqp_table_entry_t entry{};
        entry.key = bytes(key);
        entry.value.kind = AMQP_FIELD_KIND_I64;
        entry.value.value.i64 = value;
        entries_.push_back(entry);
    }
    bool empty() const { return entries_.empty(); }
    amqp_table_t get() { return amqp_table_t{static_cast<int>(entries_.size()), entries_.data()}; }

private:
    std::vector<amqp_table_entry_t> entries_;
};

std::optional<int64_t> integer_value(const amqp_field_value_t& value) {
    switch (value.kind) {
        case AMQP_FIELD_KIND_I8: return value.value.i8;
        case AMQP_FIELD_KIND_U8: return value.value.u8;
        case AMQP_FIELD_KIND_I16: return value.value.i16;
        case AMQP_FIELD_KIND_U16: return value.value.u16;
        case AMQP_FIELD_KIND_I32: return value.value.i32;
        case AMQP_FIELD_KIND_U32: return value.value.u32;
        case AMQP_FIELD_KIND_I64: return value.value.i64;
        default: return std::nullopt;
    }
}

Message to_message(const amqp_message_t& raw) {
    Message message;
    message.body = text(raw.body);
    const amqp_basic_properties_t& p = raw.properties;
    if ((p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0U) {
        message.message_id = text(p.message_id);
    }
    if ((p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) != 0U) {
        message.content_type = text(p.content_type);
    }
    if ((p._flags & AMQP_BASIC_EXPIRATION_FLAG) != 0U) {
        message.expiration = text(p.expiration);
    }
    message.persistent = (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0U && p.delivery_mode == 2;
    if ((p._flags & AMQP_BASIC_HEADERS_FLAG) != 0U) {
        for (int i = 0; i < p.headers.num_entries; ++i) {
            const amqp_table_entry_t& entry = p.headers.entries[i];
            if (auto value = integer_value(entry.value)) {
                message.headers.emplace_back(text(entry.key), *value);
            }
        }
    }
    return message;
}

}  // namespace

int64_t Message::header(std::string_view name, int64_t fallback) const {
    for (const auto& [key, value] : headers) {
        if (key == name) {
            return value;
        }
    }
    return fallback;
}

Connection::Connection(std::string_view urls, std::chrono::milliseconds timeout,
                       std::chrono::seconds heartbeat) {
    // A list names the nodes of one cluster: the first that lets us in serves. Each attempt gets
    // a connection state of its own, since a failed login leaves one unusable.
    std::string failures;
    size_t start = 0;
    while (start <= urls.size()) {
        const size_t comma = std::min(urls.find(',', start), urls.size());
        const std::string_view url = urls.substr(start, comma - start);
        try {
            open(url, timeout, heartbeat);
            return;
        } catch (const Error& error) {
            failures += failures.empty() ? error.what() : std::string("; ") + error.what();
        }
        start = comma + 1;
    }
    usable_ = false;
    throw Error(failures);
}

void Connection::open(std::string_view url, std::chrono::milliseconds timeout,
                      std::chrono::seconds heartbeat) {
    state_.reset(amqp_new_connection());
    usable_ = true;
    if (!state_) {
        usable_ = false;
        throw Error("amqp: out of memory");
    }
    std::string buffer(url);  // amqp_parse_url cuts the string it parses into pieces
    amqp_connection_info info{};
    amqp_default_connection_info(&info);
    if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK) {
        usable_ = false;
        throw Error("amqp: cannot parse URL (expected amqp://user:password@host:port/vhost)");
    }
    amqp_socket_t* socket = amqp_tcp_socket_new(state_.get());  // owned by the connection
    if (socket == nullptr) {
        usable_ = false;
        throw Error("amqp: cannot create a socket");
    }
    const timeval tv = to_timeval(timeout);
    if (const int status = amqp_socket_open_noblock(socket, info.host, info.port, &tv);
        status != AMQP_STATUS_OK) {
        usable_ = false;
        throw Error(std::string("amqp: connect to ") + info.host + ":" + std::to_string(info.port) +
                    ": " + amqp_error_string2(status));
    }
    check(amqp_set_handshake_timeout(state_.get(), &tv), "set handshake timeout");
    check(amqp_set_rpc_timeout(state_.get(), &tv), "set rpc timeout");
    check(amqp_login(state_.get(), info.vhost, 0, AMQP_DEFAULT_FRAME_SIZE,
                     static_cast<int>(heartbeat.count()), AMQP_SASL_METHOD_PLAIN, info.user,
                     info.password),
          "login");
    amqp_channel_open(state_.get(), kChannel);
    check(amqp_get_rpc_reply(state_.get()), "channel.open");
}

Connection::~Connection() {
    if (usable_) {
        // A polite close lets the broker requeue unacked deliveries at once.
        amqp_channel_close(state_.get(), kChannel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(state_.get(), AMQP_REPLY_SUCCESS);
    }
}

void Connection::check(int status, const char* context) {
    if (status < 0) {
        usable_ = false;
        throw Error(std::string("amqp: ") + context + ": " + amqp_error_string2(status));
    }
}

void Connection::check(amqp_rpc_reply_t reply, const char* context) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL: return;
        case AMQP_RESPONSE_NONE:
            usable_ = false;
            throw Error(std::string("amqp: ") + context + ": missing RPC reply");
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            usable_ = false;
            throw Error(std::string("amqp: ") + context + ": " +
                        amqp_error_string2(reply.library_error));
        case AMQP_RESPONSE_SERVER_EXCEPTION: {
            amqp_frame_t frame{};
            frame.frame_type = AMQP_FRAME_METHOD;
            frame.channel = kChannel;
            frame.payload.method = reply.reply;
            on_unexpected_frame(frame, context);
        }
    }
}

void Connection::on_unexpected_frame(const amqp_frame_t& frame, const char* context) {
    usable_ = false;
    std::string reason = "unexpected frame";
    if (frame.frame_type == AMQP_FRAME_METHOD) {
        const amqp_method_t& method = frame.payload.method;
        if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
            const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
            reason = "connection closed by broker: " + std::to_string(close->reply_code) + " " +
                     text(close->reply_text);
            amqp_connection_close_ok_t ok{};
            amqp_send_method(state_.get(), 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        } else if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
            const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
            reason = "channel closed by broker: " + std::to_string(close->reply_code) + " " +
                     text(close->reply_text);
            amqp_channel_close_ok_t ok{};
            amqp_send_method(state_.get(), kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        } else {
            reason = std::string("unexpected method ") + amqp_method_name(method.id);
        }
    }
    throw Error(std::string("amqp: ") + context + ": " + reason);
}

void Connection::declare_exchange(std::string_view name, std::string_view type) {
    amqp_exchange_declare(state_.get(), kChannel, bytes(name), bytes(type), /*passive=*/0,
                          /*durable=*/1, /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
    check(amqp_get_rpc_reply(state_.get()), "exchange.declare");
}

void Connection::declare_queue(std::string_view name, const QueueOptions& options) {
    Table arguments;
    if (options.quorum) {
        arguments.add("x-queue-type", "quorum");
    }
    if (!options.dead_letter_exchange.empty()) {
        arguments.add("x-dead-letter-exchange", options.dead_letter_exchange);
    }
    if (!options.dead_letter_routing_key.empty()) {
        arguments.add("x-dead-letter-routing-key", options.dead_letter_routing_key);
    }
    amqp_queue_declare(state_.get(), kChannel, bytes(name), /*passive=*/0, /*durable=*/1,
                       /*exclusive=*/0, /*auto_delete=*/0, arguments.get());
    check(amqp_get_rpc_reply(state_.get()), "queue.declare");
}

void Connection::bind_queue(std::string_view queue, std::string_view exchange,
                            std::string_view routing_key) {
    amqp_queue_bind(state_.get(), kChannel, bytes(queue), bytes(exchange), bytes(routing_key),
                    amqp_empty_table);
    check(amqp_get_rpc_reply(state_.get()), "queue.bind");
}

uint32_t Connection::purge_queue(std::string_view queue) {
    const amqp_queue_purge_ok_t* ok = amqp_queue_purge(state_.get(), kChannel, bytes(queue));
    check(amqp_get_rpc_reply(state_.get()), "queue.purge");
    return ok != nullptr ? ok->message_count : 0;
}

void Connection::enable_publisher_confirms() {
    amqp_confirm_select(state_.get(), kChannel);
    check(amqp_get_rpc_reply(state_.get()), "confirm.select");
    next_publish_tag_ = 1;
}

uint64_t Connection::publish(std::string_view exchange, std::string_view routing_key,
                             const Message& message, bool mandatory) {
    amqp_basic_properties_t properties{};
    properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.content_type = bytes(message.content_type);
    properties.delivery_mode = message.persistent ? 2 : 1;
    if (!message.message_id.empty()) {
        properties._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        properties.message_id = bytes(message.message_id);
    }
    if (!message.expiration.empty()) {
        properties._flags |= AMQP_BASIC_EXPIRATION_FLAG;
        properties.expiration = bytes(message.expiration);
    }
    Table headers;
    for (const auto& [key, value] : message.headers) {
        headers.add(key, value);
    }
    if (!headers.empty()) {
        properties._flags |= AMQP_BASIC_HEADERS_FLAG;
        properties.headers = headers.get();
    }
    check(amqp_basic_publish(state_.get(), kChannel, bytes(exchange), bytes(routing_key),
                             mandatory ? 1 : 0, /*immediate=*/0, &properties, bytes(message.body)),
          "basic.publish");
    return next_publish_tag_++;
}

std::optional<PublisherEvent> Connection::next_publisher_event(std::chrono::milliseconds timeout) {
    amqp_maybe_release_buffers(state_.get());
    amqp_frame_t frame{};
    const timeval tv = to_timeval(timeout);
    const int status = amqp_simple_wait_frame_noblock(state_.get(), &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) {
        return std::nullopt;
    }
    check(status, "wait for confirms");
    if (frame.frame_type != AMQP_FRAME_METHOD) {
        on_unexpected_frame(frame, "wait for confirms");
    }
    PublisherEvent event;
    switch (frame.payload.method.id) {
        case AMQP_BASIC_ACK_METHOD: {
            const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
            event.kind = PublisherEvent::Kind::kAck;
            event.delivery_tag = ack->delivery_tag;
            event.multiple = ack->multiple != 0;
            return event;
        }
        case AMQP_BASIC_NACK_METHOD: {
            const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
            event.kind = PublisherEvent::Kind::kNack;
            event.delivery_tag = nack->delivery_tag;
            event.multiple = nack->multiple != 0;
            return event;
        }
        case AMQP_BASIC_RETURN_METHOD: {
            const auto* returned =
                static_cast<const amqp_basic_return_t*>(frame.payload.method.decoded);
            event.kind = PublisherEvent::Kind::kReturn;
            event.reason = std::to_string(returned->reply_code) + " " + text(returned->reply_text);
            // The returned message's header and body frames follow the method.
            amqp_message_t message{};
            check(amqp_read_message(state_.get(), frame.channel, &message, 0), "basic.return");
            event.message_id = to_message(message).message_id;
            amqp_destroy_message(&message);
            return event;
        }
        default: on_unexpected_frame(frame, "wait for confirms");
    }
}

void Connection::set_prefetch(uint16_t count) {
    amqp_basic_qos(state_.get(), kChannel, 0, count, /*global=*/0);
    check(amqp_get_rpc_reply(state_.get()), "basic.qos");
}

void Connection::consume(std::string_view queue) {
    amqp_basic_consume(state_.get(), kChannel, bytes(queue), amqp_empty_bytes, /*no_local=*/0,
                       /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
    check(amqp_get_rpc_reply(state_.get()), "basic.consume");
}

std::optional<Delivery> Connection::next_delivery(std::chrono::milliseconds timeout) {
    amqp_maybe_release_buffers(state_.get());
    amqp_envelope_t envelope{};
    const timeval tv = to_timeval(timeout);
    const amqp_rpc_reply_t reply = amqp_consume_message(state_.get(), &envelope, &tv, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        if (reply.library_error == AMQP_STATUS_TIMEOUT) {
            return std::nullopt;
        }
        if (reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
            // Something other than a delivery arrived: a close is fatal, the rest is ignored.
            amqp_frame_t frame{};
            check(amqp_simple_wait_frame(state_.get(), &frame), "consume");
            if (frame.frame_type == AMQP_FRAME_METHOD &&
                (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
                 frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD)) {
                on_unexpected_frame(frame, "consume");
            }
            return std::nullopt;
        }
    }
    check(reply, "consume");
    Delivery delivery;
    delivery.delivery_tag = envelope.delivery_tag;
    delivery.redelivered = envelope.redelivered != 0;
    delivery.routing_key = text(envelope.routing_key);
    delivery.message = to_message(envelope.message);
    amqp_destroy_envelope(&envelope);
    return delivery;
}

void Connection::ack(uint64_t delivery_tag) {
    check(amqp_basic_ack(state_.get(), kChannel, delivery_tag, /*multiple=*/0), "basic.ack");
}

void Connection::reject(uint64_t delivery_tag, bool requeue) {
    check(amqp_basic_reject(state_.get(), kChannel, delivery_tag, requeue ? 1 : 0), "basic.reject");
}

}  // namespace pms::amqp
