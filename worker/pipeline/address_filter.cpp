/// IP address classification against the IANA special-purpose registries (RFC 6890 and updates).
#include "worker/pipeline/address_filter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>

namespace pms::worker {

namespace {

/// A prefix `bits` long of `prefix` (network order).
struct Range {
    std::array<uint8_t, 16> prefix;
    int bits;
    const char* name;
};

bool in_range(const std::array<uint8_t, 16>& bytes, const Range& range) {
    const int whole = range.bits / 8;
    if (std::memcmp(bytes.data(), range.prefix.data(), static_cast<size_t>(whole)) != 0) {
        return false;
    }
    const int rest = range.bits % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<uint8_t>(0xFFU << (8 - rest));
    return (bytes[static_cast<size_t>(whole)] & mask) ==
           (range.prefix[static_cast<size_t>(whole)] & mask);
}

// IPv4 special-purpose ranges. 0.0.0.0/8 covers 0.0.0.0 ("this host"), 240.0.0.0/4 covers the
// limited broadcast 255.255.255.255 (checked first for a clearer name).
const Range kV4Ranges[] = {
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{0}, 8, "unspecified"},
    {{10}, 8, "private"},
    {{100, 64}, 10, "carrier-grade NAT"},
    {{127}, 8, "loopback"},
    {{169, 254}, 16, "link-local"},
    {{172, 16}, 12, "private"},
    {{192, 0, 0}, 24, "reserved"},       // IETF protocol assignments
    {{192, 0, 2}, 24, "documentation"},  // TEST-NET-1
    {{192, 88, 99}, 24, "reserved"},     // former 6to4 relay anycast
    {{192, 168}, 16, "private"},
    {{198, 18}, 15, "reserved"},            // benchmarking
    {{198, 51, 100}, 24, "documentation"},  // TEST-NET-2
    {{203, 0, 113}, 24, "documentation"},   // TEST-NET-3
    {{224}, 4, "multicast"},
    {{240}, 4, "reserved"},
};

// IPv6 special-purpose ranges inside or beside 2000::/3 (everything outside 2000::/3 that is not
// listed here or embeds IPv4 is unallocated: "reserved").
const Range kV6Ranges[] = {
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "private"},  // local-use NAT64 (RFC 8215)
    {{0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64, "reserved"},       // discard-only
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x20, 0x01, 0x00, 0x00}, 23, "reserved"},  // IETF protocol assignments, Teredo, ORCHID
    {{0x3f, 0xff}, 20, "documentation"},         // RFC 9637
    {{0xfc}, 7, "unique-local"},
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xfe, 0xc0}, 10, "site-local"},
    {{0xff}, 8, "multicast"},
};

const Range kGlobalUnicast = {{0x20}, 3, "global unicast"};
const Range kV4Mapped = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96, "IPv4-mapped"};
const Range kNat64 = {{0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96, "NAT64"};
const Range kIpv4Compatible = {{0}, 96, "IPv4-compatible"};
const Range kSixToFour = {{0x20, 0x02}, 16, "6to4"};

IpAddress embedded_v4(const IpAddress& address, size_t offset) {
    const auto& b = address.bytes;
    return IpAddress::v4(b[offset], b[offset + 1], b[offset + 2], b[offset + 3]);
}

const char* special_v4(const IpAddress& address) {
    for (const Range& range : kV4Ranges) {
        if (in_range(address.bytes, range)) {
            return range.name;
        }
    }
    return nullptr;
}

const char* special_v6(const IpAddress& address) {
    static const std::array<uint8_t, 16> kUnspecified{};
    static const std::array<uint8_t, 16> kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (address.bytes == kUnspecified) {
        return "unspecified";
    }
    if (address.bytes == kLoopback) {
        return "loopback";
    }
    // Forms that carry an IPv4 address reach that address: judge it.
    if (in_range(address.bytes, kV4Mapped) || in_range(address.bytes, kNat64)) {
        return special_v4(embedded_v4(address, 12));
    }
    if (in_range(address.bytes, kSixToFour)) {
        return special_v4(embedded_v4(address, 2));
    }
    if (in_range(address.bytes, kIpv4Compatible)) {
        return "reserved";  // deprecated (RFC 4291); no legitimate origin uses it
    }
    for (const Range& range : kV6Ranges) {
        if (in_range(address.bytes, range)) {
            return range.name;
        }
    }
    return in_range(address.bytes, kGlobalUnicast) ? nullptr : "reserved";
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    const std::string copy(text);  // inet_pton wants a terminated string
    IpAddress address;
    if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
        address.family = Family::kV4;
        return address;
    }
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
        address.family = Family::kV6;
        return address;
    }
    return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* address, size_t length) {
    if (address == nullptr) {
        return std::nullopt;
    }
    IpAddress result;
    if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
        sockaddr_in in{};
        std::memcpy(&in, address, sizeof in);
        result.family = Family::kV4;
        std::memcpy(result.bytes.data(), &in.sin_addr, 4);
        return result;
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address, sizeof in6);
        result.family = Family::kV6;
        std::memcpy(result.bytes.data(), &in6.sin6_addr, 16);
        return result;
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    IpAddress address;
    address.family = Family::kV4;
    address.bytes = {a, b, c, d};
    return address;
}

std::string IpAddress::to_string() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    const int family_code = family == Family::kV4 ? AF_INET : AF_INET6;
    if (inet_ntop(family_code, bytes.data(), buffer, sizeof buffer) == nullptr) {
        return "?";
    }
    return buffer;
}

const char* special_range(const IpAddress& address) {
    return address.family == IpAddress::Family::kV4 ? special_v4(address) : special_v6(address);
}

AddressFilter AddressFilter::from_list(const std::vector<std::string>& items) {
    std::vector<IpAddress> allowed;
    for (const std::string& item : items) {
        std::optional<IpAddress> address = IpAddress::parse(item);
        if (!address) {
            throw std::invalid_argument("PMS_FETCH_ALLOW: '" + item +
                                        "' is not a numeric IPv4 or IPv6 address");
        }
        allowed.push_back(*address);
    }
    return AddressFilter(std::move(allowed));
}

std::optional<std::string> AddressFilter::refusal(const IpAddress& address) const {
    const char* range = special_range(address);
    if (range == nullptr) {
        return std::nullopt;
    }
    for (const IpAddress& allowed : allowed_) {
        if (allowed == address) {
            return std::nullopt;
        }
    }
    return "refused address " + address.to_string() + " (" + range + ")";
}

}  // namespace pms::worker
