/// Which libpqxx exceptions mean "the server is unavailable", and the first line of a message.
#include "common/pg_error.hpp"

#include <gtest/gtest.h>

#include <pqxx/except>
#include <stdexcept>

namespace pms::pg {
namespace {

TEST(PgUnavailableSqlstate, ConnectionShutdownAndResourceStates) {
    for (const char* code : {"08000", "08006", "08P01", "57P01", "57P02", "57P03", "53000", "53100",
                             "53200", "53300"}) {
        EXPECT_TRUE(is_unavailable_sqlstate(code)) << code;
    }
    // Errors of the statement: a rule, a missing function, a timeout, a retryable conflict.
    for (const char* code : {"23505", "P0001", "42883", "42501", "57014", "40001", "40P01", "55P03",
                             "57P04", "0", ""}) {
        EXPECT_FALSE(is_unavailable_sqlstate(code)) << code;
    }
}

TEST(PgUnavailable, LostConnectionsByType) {
    EXPECT_TRUE(is_unavailable(pqxx::broken_connection("server closed the connection")));
    EXPECT_TRUE(is_unavailable(pqxx::too_many_connections("sorry, too many clients already")));
    EXPECT_TRUE(is_unavailable(pqxx::in_doubt_error("connection lost during COMMIT")));
    EXPECT_TRUE(is_unavailable(pqxx::insufficient_resources("out of memory")));
}

TEST(PgUnavailable, SqlErrorsBySqlstate) {
    EXPECT_TRUE(is_unavailable(pqxx::sql_error("terminating connection", "select 1", "57P01")));
    EXPECT_TRUE(is_unavailable(pqxx::sql_error("the database system is starting up", "", "57P03")));
    EXPECT_FALSE(is_unavailable(pqxx::sql_error("duplicate key", "insert", "23505")));
    EXPECT_FALSE(is_unavailable(pqxx::sql_error("function missing", "select", "42883")));
    EXPECT_FALSE(is_unavailable(pqxx::sql_error("no state")));
}

TEST(PgUnavailable, OtherExceptionsAreNot) {
    EXPECT_FALSE(is_unavailable(std::runtime_error("connection refused")));
    EXPECT_FALSE(is_unavailable(pqxx::usage_error("no transaction")));
}

TEST(PgFirstLine, KeepsTheFirstLineAndNamesTheSqlstate) {
    EXPECT_EQ(first_line(pqxx::sql_error("ERROR:  syntax error at or near \"selec\"\nLINE 1: "
                                         "selec 1\n        ^\n",
                                         "selec 1", "42601")),
              "SQLSTATE 42601: ERROR:  syntax error at or near \"selec\"");
    EXPECT_EQ(first_line(pqxx::broken_connection("connection to server failed\n\tIs it running?")),
              "connection to server failed");
    EXPECT_EQ(first_line(pqxx::sql_error("ERROR:  no state")), "ERROR:  no state");
    EXPECT_EQ(first_line(std::runtime_error("one line")), "one line");
}

}  // namespace
}  // namespace pms::pg
