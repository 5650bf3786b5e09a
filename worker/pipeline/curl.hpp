#pragma once
/// Thin RAII wrapper over libcurl's easy interface: the handle, header lists, and one check
/// that turns a failed curl_easy_setopt/getinfo into an exception.

#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pms::curl {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// curl_global_init for the life of the process; create it in main() before any thread.
class Global {
public:
    Global();
    ~Global();
    Global(const Global&) = delete;
    Global& operator=(const Global&) = delete;
};

/// A curl_slist of request headers.
class Headers {
public:
    void append(std::string_view header);
    curl_slist* get() const { return list_.get(); }

private:
    struct Free {
        void operator()(curl_slist* list) const { curl_slist_free_all(list); }
    };
    std::unique_ptr<curl_slist, Free> list_;
};

/// One easy handle, reusable across requests (connections are kept between them).
class Easy {
public:
    Easy();

    template <typename T>
    void set(CURLoption option, T value) {
        check(curl_easy_setopt(handle_.get(), option, value), "setopt");
    }
    template <typename T>
    T info(CURLINFO what) const {
        T value{};
        check(curl_easy_getinfo(handle_.get(), what, &value), "getinfo");
        return value;
    }

    /// Runs the transfer; a failed transfer is returned as a result, not thrown, because
    /// callers tell transient failures from permanent ones.
    CURLcode perform();
    /// The detailed message of the last failed transfer.
    std::string error_message(CURLcode code) const;
    /// Forgets every option (keeps connections and caches).
    void reset();

private:
    static void check(CURLcode code, const char* what);

    struct Cleanup {
        void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
    };
    std::unique_ptr<CURL, Cleanup> handle_;
    std::unique_ptr<char[]> error_buffer_;
};

}  // namespace pms::curl
