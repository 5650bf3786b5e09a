/// Sorting libpqxx's exceptions.
#include "common/pg_error.hpp"

#include <array>
#include <pqxx/except>

namespace pms::pg {

bool is_unavailable_sqlstate(std::string_view sqlstate) {
    // A two-character entry is a class.
    constexpr std::array<std::string_view, 5> kUnavailable = {"08", "53", "57P01", "57P02",
                                                              "57P03"};
    for (const std::string_view code : kUnavailable) {
        if (sqlstate.substr(0, code.size()) == code) {
            return true;
        }
    }
    return false;
}

bool is_unavailable(const std::exception& error) {
    if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr ||
        dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr ||
        dynamic_cast<const pqxx::insufficient_resources*>(&error) != nullptr) {
        return true;
    }
    const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
    return sql != nullptr && is_unavailable_sqlstate(sql->sqlstate());
}

std::string first_line(const std::exception& error) {
    std::string line = error.what();
    if (const auto end = line.find('\n'); end != std::string::npos) {
        line.erase(end);
    }
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
        sql != nullptr && !sql->sqlstate().empty()) {
        line = "SQLSTATE " + sql->sqlstate() + ": " + line;
    }
    return line;
}

}  // namespace pms::pg
