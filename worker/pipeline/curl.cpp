/// libcurl easy handles and header lists.
#include "worker/pipeline/curl.hpp"

#include <cstring>

namespace pms::curl {

Global::Global() {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw Error("curl_global_init failed");
    }
}

Global::~Global() {
    curl_global_cleanup();
}

void Headers::append(std::string_view header) {
    const std::string copy(header);
    curl_slist* appended = curl_slist_append(list_.get(), copy.c_str());
    if (appended == nullptr) {
        throw Error("curl_slist_append: out of memory");
    }
    (void)list_.release();  // curl_slist_append returns the same list, now longer
    list_.reset(appended);
}

Easy::Easy() : handle_(curl_easy_init()), error_buffer_(new char[CURL_ERROR_SIZE]) {
    if (!handle_) {
        throw Error("curl_easy_init failed");
    }
    reset();
}

void Easy::reset() {
    curl_easy_reset(handle_.get());
    error_buffer_[0] = '\0';
    set(CURLOPT_ERRORBUFFER, error_buffer_.get());
    set(CURLOPT_NOSIGNAL, 1L);
}

CURLcode Easy::perform() {
    error_buffer_[0] = '\0';
    return curl_easy_perform(handle_.get());
}

std::string Easy::error_message(CURLcode code) const {
    return error_buffer_[0] != '\0' ? std::string(error_buffer_.get())
                                    : std::string(curl_easy_strerror(code));
}

void Easy::check(CURLcode code, const char* what) {
    if (code != CURLE_OK) {
        throw Error(std::string("curl ") + what + ": " + curl_easy_strerror(code));
    }
}

}  // namespace pms::curl
