/// Passwords masked in URLs and libpq key=value strings, and in messages that quote them.
#include "common/redact.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using pms::redact_url;
using pms::redact_url_in;

TEST(RedactUrl, MasksThePasswordOfTheUserinfo) {
    EXPECT_EQ(redact_url("postgresql://pms:s3cret@db.internal:5432/pms"),
              "postgresql://pms:***@db.internal:5432/pms");
    EXPECT_EQ(redact_url("postgres://pms:s3cret@db.internal/pms"),
              "postgres://pms:***@db.internal/pms");
    EXPECT_EQ(redact_url("amqp://guest:guest@127.0.0.1:5672/%2f"),
              "amqp://guest:***@127.0.0.1:5672/%2f");
    EXPECT_EQ(redact_url("redis://:s3cret@cache.local:6380/2"), "redis://:***@cache.local:6380/2");
    EXPECT_EQ(redact_url("redis://default:s3cret@cache.local"), "redis://default:***@cache.local");
    EXPECT_EQ(redact_url("http://minio:s3cret@127.0.0.1:9000"), "http://minio:***@127.0.0.1:9000");
}

TEST(RedactUrl, LeavesUrlsWithoutAPasswordAlone) {
    for (const char* url :
         {"postgresql://pms@127.0.0.1:5432/pms", "postgresql://127.0.0.1:5432/pms",
          "postgresql:///pms", "redis://127.0.0.1:6379/0", "redis://127.0.0.1",
          "amqp://guest@127.0.0.1:5672/%2f", "http://example.com/a.jpg?size=1&b=2",
          "unix:/run/redis/redis.sock?db=3", "amqp://guest:@127.0.0.1", ""}) {
        EXPECT_EQ(redact_url(url), url);
    }
}

TEST(RedactUrl, KeepsPortsAndIpv6Hosts) {
    EXPECT_EQ(redact_url("postgresql://pms:pw@[::1]:5432/pms"),
              "postgresql://pms:***@[::1]:5432/pms");
    EXPECT_EQ(redact_url("amqp://u:pw@[2001:db8::7]:5672/%2f"),
              "amqp://u:***@[2001:db8::7]:5672/%2f");
    EXPECT_EQ(redact_url("postgresql://[2001:db8::7]:5432/pms"),
              "postgresql://[2001:db8::7]:5432/pms");
    EXPECT_EQ(redact_url("redis://:pw@[fe80::1%25eth0]:6379/1"),
              "redis://:***@[fe80::1%25eth0]:6379/1");
    EXPECT_EQ(redact_url("postgresql://u:pw@h1:5432,h2:5433/pms?target_session_attrs=any"),
              "postgresql://u:***@h1:5432,h2:5433/pms?target_session_attrs=any");
}

TEST(RedactUrl, PercentEncodedPasswords) {
    EXPECT_EQ(redact_url("postgresql://pms:p%40ss%2Fw%3Ard@db/pms"), "postgresql://pms:***@db/pms");
    EXPECT_EQ(redact_url("amqp://u%40corp:p%3A%40@h:5672/v"), "amqp://u%40corp:***@h:5672/v");
}

TEST(RedactUrl, PasswordsWithUnencodedDelimitersAreMaskedWhole) {
    EXPECT_EQ(redact_url("redis://:p@ss@cache:6379"), "redis://:***@cache:6379");
    EXPECT_EQ(redact_url("postgresql://u:pa/ss@db/pms"), "postgresql://u:***@db/pms");
    EXPECT_EQ(redact_url("postgresql://u:pa?ss@db/pms"), "postgresql://u:***@db/pms");
    EXPECT_EQ(redact_url("amqp://u:pa#ss@h/"), "amqp://u:***@h/");
    EXPECT_EQ(redact_url("amqp://u:pa:ss@h/"), "amqp://u:***@h/");
    // An '@' in the query does not pull it into the userinfo.
    EXPECT_EQ(redact_url("postgresql://u:pw@db/pms?application_name=a@b"),
              "postgresql://u:***@db/pms?application_name=a@b");
}

TEST(RedactUrl, ALoneRedisUserinfoIsThePassword) {
    EXPECT_EQ(redact_url("redis://s3cret@cache:6379/0"), "redis://***@cache:6379/0");
    EXPECT_EQ(redact_url("REDISS://s3cret@cache"), "REDISS://***@cache");
    // Elsewhere a lone userinfo is a user name.
    EXPECT_EQ(redact_url("postgresql://pms@db/pms"), "postgresql://pms@db/pms");
}

TEST(RedactUrl, LibpqPasswordParameters) {
    EXPECT_EQ(redact_url("postgresql:///pms?host=/run/postgresql&password=s3cret&sslmode=require"),
              "postgresql:///pms?host=/run/postgresql&password=***&sslmode=require");
    EXPECT_EQ(redact_url("postgresql://db/pms?sslpassword=keypass"),
              "postgresql://db/pms?sslpassword=***");
    EXPECT_EQ(redact_url("postgresql://db/pms?pass%77ord=s3cret"),
              "postgresql://db/pms?pass%77ord=***");
    EXPECT_EQ(redact_url("postgresql://u:pw@db/pms?password=pw2"),
              "postgresql://u:***@db/pms?password=***");
    EXPECT_EQ(redact_url("postgresql://db/pms?passfile=/etc/pgpass"),
              "postgresql://db/pms?passfile=/etc/pgpass");
}

TEST(RedactUrl, WithoutAScheme) {
    EXPECT_EQ(redact_url("guest:guest@127.0.0.1:5672/%2f"), "guest:***@127.0.0.1:5672/%2f");
    EXPECT_EQ(redact_url("127.0.0.1:5672"), "127.0.0.1:5672");
}

TEST(RedactUrl, LibpqKeyValueStrings) {
    EXPECT_EQ(redact_url("host=db user=pms password=s3cret dbname=pms"),
              "host=db user=pms password=*** dbname=pms");
    EXPECT_EQ(redact_url("password=s3cret"), "password=***");
    EXPECT_EQ(redact_url("host=db password = 's3 cr\\'et x' dbname=pms"),
              "host=db password = *** dbname=pms");
    EXPECT_EQ(redact_url("host=db password=s3\\ cret port=5432"), "host=db password=*** port=5432");
    EXPECT_EQ(redact_url("host=db sslpassword=keypass sslkey=/k"),
              "host=db sslpassword=*** sslkey=/k");
    EXPECT_EQ(redact_url("host=db user=pms passfile=/etc/pgpass"),
              "host=db user=pms passfile=/etc/pgpass");
    EXPECT_EQ(redact_url("host=db password="), "host=db password=");
    EXPECT_EQ(redact_url("host=db password='unterminated"), "host=db password=***");
}

TEST(RedactUrlIn, MasksTheUrlWhereAMessageQuotesIt) {
    // libpq's own words for a malformed URI.
    const std::string url = "postgresql://u:s3cret@[::1/db";
    const std::string message =
        "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"" +
        url + "\"";
    const std::string masked = redact_url_in(message, url);
    EXPECT_EQ(masked.find("s3cret"), std::string::npos) << masked;
    EXPECT_NE(masked.find("\"postgresql://u:***@[::1/db\""), std::string::npos) << masked;
}

TEST(RedactUrlIn, MasksThePasswordQuotedAlone) {
    EXPECT_EQ(
        redact_url_in("invalid percent-encoded token: \"pa%zz\"", "postgresql://u:pa%zz@h/db"),
        "invalid percent-encoded token: \"***\"");
    // ... as written and decoded.
    const std::string masked =
        redact_url_in("password p@ss/w or p%40ss%2Fw refused", "postgresql://u:p%40ss%2Fw@h/db");
    EXPECT_EQ(masked, "password *** or *** refused");
    EXPECT_EQ(redact_url_in("bad value 's3 cret'", "host=db password='s3 cret'"), "bad value ***");
}

TEST(RedactUrlIn, LeavesOtherMessagesAlone) {
    const std::string message =
        "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused";
    EXPECT_EQ(redact_url_in(message, "postgresql://pms:s3cret@127.0.0.1:5432/pms"), message);
    EXPECT_EQ(redact_url_in(message, ""), message);
    EXPECT_EQ(redact_url_in(message, "postgresql://127.0.0.1:5432/pms"), message);
}

}  // namespace

TEST(RedactUrl, EveryNodeOfAnAmqpListIsMasked) {
    EXPECT_EQ(redact_url("amqp://pms:s3cret@mq1:5672/%2f,amqp://pms:s3cret@mq2:5672/%2f"),
              "amqp://pms:***@mq1:5672/%2f,amqp://pms:***@mq2:5672/%2f");
}
