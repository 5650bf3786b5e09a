/// hiredis connections: connect, authenticate, select, and the single error choke point.
#include "common/redis.hpp"

#include <poll.h>

#include <cstdlib>
#include <cstring>

#include "common/redact.hpp"

namespace pms::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return tv;
}

/// A number of `url`; the message quotes the whole URL masked, not the piece, which a password
/// with an unencoded '/' or ':' would reach into.
int parse_number(std::string_view text, std::string_view what, std::string_view url) {
    const std::string copy(text);
    char* end = nullptr;
    const long value = std::strtol(copy.c_str(), &end, 10);
    if (copy.empty() || *end != '\0' || value < 0 || value > 65535) {
        throw std::invalid_argument("bad " + std::string(what) + " in Redis URL '" +
                                    redact_url(url) + "'");
    }
    return static_cast<int>(value);
}

}  // namespace

Endpoint Endpoint::parse(std::string_view url) {
    Endpoint endpoint;
    if (url.rfind("unix:", 0) == 0) {
        std::string_view rest = url.substr(5);
        if (const auto query = rest.find("?db="); query != std::string_view::npos) {
            endpoint.db = parse_number(rest.substr(query + 4), "database", url);
            rest = rest.substr(0, query);
        }
        endpoint.unix_path = std::string(rest);
        return endpoint;
    }
    constexpr std::string_view kScheme = "redis://";
    if (url.rfind(kScheme, 0) != 0) {
        throw std::invalid_argument("Redis URL must start with redis:// or unix:, got '" +
                                    redact_url(url) + "'");
    }
    std::string_view rest = url.substr(kScheme.size());
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (slash + 1 < rest.size()) {
            endpoint.db = parse_number(rest.substr(slash + 1), "database", url);
        }
        rest = rest.substr(0, slash);
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view credentials = rest.substr(0, at);
        if (const auto colon = credentials.find(':'); colon != std::string_view::npos) {
            credentials = credentials.substr(colon + 1);  // user names need Redis 6 ACLs
        }
        endpoint.password = std::string(credentials);
        rest = rest.substr(at + 1);
    }
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        endpoint.port = parse_number(rest.substr(colon + 1), "port", url);
        rest = rest.substr(0, colon);
    }
    if (!rest.empty()) {
        endpoint.host = std::string(rest);
    }
    return endpoint;
}

Connection::Connection(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
    const timeval tv = to_timeval(timeout);
    context_.reset(endpoint.unix_path.empty()
                       ? redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, tv)
                       : redisConnectUnixWithTimeout(endpoint.unix_path.c_str(), tv));
    if (!context_) {
        throw Error("redis: out of memory");
    }
    if (context_->err != 0) {
        fail("connect");
    }
    if (redisSetTimeout(context_.get(), tv) != REDIS_OK) {
        fail("set timeout");
    }
    if (!endpoint.password.empty()) {
        if (Reply reply = command({"AUTH", endpoint.password}); reply.is_error()) {
            throw Error("redis: AUTH refused: " + std::string(reply.text()));
        }
    }
    if (endpoint.db != 0) {
        if (Reply reply = command({"SELECT", std::to_string(endpoint.db)}); reply.is_error()) {
            throw Error("redis: SELECT refused: " + std::string(reply.text()));
        }
    }
}

void Connection::fail(const char* what) const {
    throw Error(std::string("redis: ") + what + ": " + context_->errstr);
}

void Connection::append(const std::string_view* args, size_t count) {
    std::vector<const char*> argv(count);
    std::vector<size_t> lengths(count);
    for (size_t i = 0; i < count; ++i) {
        argv[i] = args[i].data();
        lengths[i] = args[i].size();
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(count), argv.data(),
                               lengths.data()) != REDIS_OK) {
        fail("append");
    }
}

Reply Connection::read_reply() {
    for (; unanswered_ > 0; --unanswered_) {
        void* skipped = nullptr;
        if (redisGetReply(context_.get(), &skipped) != REDIS_OK || skipped == nullptr) {
            fail("read");
        }
        freeReplyObject(skipped);
    }
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
        fail("read");
    }
    return Reply(static_cast<redisReply*>(raw));
}

void Connection::check_open() {
    // Readable: data, kept in hiredis's reader for the next reads, or the connection's end, which
    // redisBufferRead reports. The end can wait behind data (the reply of send_unanswered), so
    // this reads on while the socket stays readable, up to a bound against a peer that keeps
    // sending (the next check goes on). poll's EINTR is left to the next check too.
    constexpr int kMaxReads = 64;
    pollfd readable{context_->fd, POLLIN, 0};
    for (int i = 0; i < kMaxReads && poll(&readable, 1, 0) > 0; ++i) {
        if (redisBufferRead(context_.get()) != REDIS_OK) {
            fail("read");
        }
    }
}

std::optional<Reply> Connection::poll_reply() {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) {
        fail("read");
    }
    if (raw == nullptr) {
        check_open();
        if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) {
            fail("read");
        }
    }
    if (raw == nullptr) {
        return std::nullopt;
    }
    return Reply(static_cast<redisReply*>(raw));
}

void Connection::send_unanswered(std::initializer_list<std::string_view> args) {
    append(args.begin(), args.size());
    int done = 0;
    while (done == 0) {
        if (redisBufferWrite(context_.get(), &done) != REDIS_OK) {
            fail("write");
        }
    }
    ++unanswered_;
}

Reply Connection::command(const std::string_view* args, size_t count) {
    append(args, count);
    return read_reply();
}

}  // namespace pms::redis
