#pragma once
/// Thin RAII wrapper over hiredis: a connection, its replies, and one place that turns the
/// context's errors into exceptions.

#include <hiredis/hiredis.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pms::redis {

/// The connection failed (I/O, protocol, refused). The connection is unusable afterwards.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Where Redis is, from redis://[:password@]host[:port][/db] or unix:/path[?db=N].
struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_path;
    int db = 0;
    std::string password;

    static Endpoint parse(std::string_view url);  ///< throws std::invalid_argument
};

/// A reply or one of its elements, owned by a Reply.
class ReplyView {
public:
    explicit ReplyView(const redisReply* reply) : reply_(reply) {}

    bool is_nil() const { return reply_->type == REDIS_REPLY_NIL; }
    bool is_error() const { return reply_->type == REDIS_REPLY_ERROR; }
    bool is_string() const {
        return reply_->type == REDIS_REPLY_STRING || reply_->type == REDIS_REPLY_STATUS;
    }
    bool is_integer() const { return reply_->type == REDIS_REPLY_INTEGER; }
    bool is_array() const { return reply_->type == REDIS_REPLY_ARRAY; }
    /// The text of a string, status or error reply.
    std::string_view text() const { return {reply_->str, reply_->len}; }
    long long integer() const { return reply_->integer; }
    size_t size() const { return reply_->elements; }
    /// Element `i` (< size()) of an array reply.
    ReplyView element(size_t i) const { return ReplyView(reply_->element[i]); }

private:
    const redisReply* reply_;
};

/// One reply; owns the redisReply tree.
class Reply : public ReplyView {
public:
    explicit Reply(redisReply* reply) : ReplyView(reply), owned_(reply) {}

private:
    struct Free {
        void operator()(redisReply* reply) const { freeReplyObject(reply); }
    };
    std::unique_ptr<redisReply, Free> owned_;
};

/// A connected, authenticated context with the database selected.
class Connection {
public:
    /// Connects within `timeout`, which then bounds every command too.
    Connection(const Endpoint& endpoint, std::chrono::milliseconds timeout);

    /// Sends one command and waits for its reply. An error reply is a Reply, not an exception.
    Reply command(std::initializer_list<std::string_view> args) {
        return command(args.begin(), args.size());
    }
    Reply command(const std::vector<std::string_view>& args) {
        return command(args.data(), args.size());
    }

    /// Pipelining: queue commands, then read one reply per queued command.
    void append(std::initializer_list<std::string_view> args) { append(args.begin(), args.size()); }
    void append(const std::vector<std::string_view>& args) { append(args.data(), args.size()); }
    /// Reads the reply of the oldest command queued (after skipping those sent unanswered).
    Reply read_reply();
    /// A reply or message that has arrived already, without waiting for one: nothing when none
    /// has. For a subscribed connection's messages.
    std::optional<Reply> poll_reply();
    /// Throws Error when Redis has closed the connection (an idle client's timeout, CLIENT KILL,
    /// a restart), without waiting; replies that arrived stay for the reads.
    void check_open();

    /// Sends a command now whose reply nobody waits for (a cache store that may fail unnoticed):
    /// the next read skips it, so the caller is not held up by the round trip. Only while no
    /// appended command's reply is pending.
    void send_unanswered(std::initializer_list<std::string_view> args);

private:
    struct Free {
        void operator()(redisContext* context) const { redisFree(context); }
    };
    Reply command(const std::string_view* args, size_t count);
    void append(const std::string_view* args, size_t count);
    [[noreturn]] void fail(const char* what) const;

    std::unique_ptr<redisContext, Free> context_;
    /// Replies of send_unanswered() not read yet: they come before any other.
    size_t unanswered_ = 0;
};

}  // namespace pms::redis
