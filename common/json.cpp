/// Strict parsing and compact writing of JSON.
#include "common/json.hpp"

#include <memory>
#include <sstream>

namespace pms::json {

std::optional<Json::Value> parse_strict(std::string_view text, std::string* error) {
    // Readers and writers keep state while they work: one per thread.
    thread_local const std::unique_ptr<Json::CharReader> reader = [] {
        Json::CharReaderBuilder builder;
        Json::CharReaderBuilder::strictMode(&builder.settings_);
        // strictMode() also demands an object or array at the top; any value is a document.
        builder["strictRoot"] = false;
        return std::unique_ptr<Json::CharReader>(builder.newCharReader());
    }();
    Json::Value value;
    std::string message;
    bool parsed = false;
    try {
        parsed = reader->parse(text.data(), text.data() + text.size(), &value, &message);
    } catch (const Json::Exception& error) {
        // jsoncpp throws, rather than reports, some errors: nesting deeper than its stack limit.
        message = error.what();
    }
    if (!parsed) {
        if (error != nullptr) {
            // jsoncpp prefixes every message with "* " and a newline-terminated location.
            while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
                message.pop_back();
            }
            if (message.rfind("* ", 0) == 0) {
                message.erase(0, 2);
            }
            for (char& c : message) {
                if (c == '\n') {
                    c = ' ';
                }
            }
            *error = message;
        }
        return std::nullopt;
    }
    return value;
}

std::string compact(const Json::Value& value) {
    thread_local const std::unique_ptr<Json::StreamWriter> writer = [] {
        Json::StreamWriterBuilder builder;
        builder["indentation"] = "";
        builder["emitUTF8"] = true;
        return std::unique_ptr<Json::StreamWriter>(builder.newStreamWriter());
    }();
    std::ostringstream out;
    writer->write(value, &out);
    return out.str();
}

void append_quoted(std::string& out, std::string_view text) {
    static const char* const kHex = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out.push_back(kHex[(c >> 4) & 0xF]);
                    out.push_back(kHex[c & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

}  // namespace pms::json
