#pragma once
/// The SSRF guard of downloads: which IP addresses the worker may connect to. Pure functions over
/// addresses (no DNS, no sockets), so every range can be unit-tested without connecting.

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pms::worker {

/// An IPv4 or IPv6 address, bytes in network order (IPv4 uses the first 4).
struct IpAddress {
    enum class Family { kV4, kV6 };
    Family family = Family::kV4;
    std::array<uint8_t, 16> bytes{};

    /// A numeric address in the standard notation ("10.0.0.1", "fe80::1"); nothing otherwise.
    static std::optional<IpAddress> parse(std::string_view text);
    /// The address of an AF_INET or AF_INET6 socket address; nothing for other families.
    static std::optional<IpAddress> from_sockaddr(const sockaddr* address, size_t length);
    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

    std::string to_string() const;
    bool operator==(const IpAddress& other) const {
        return family == other.family && bytes == other.bytes;
    }
};

/// The special-purpose range `address` lies in ("loopback", "private", "link-local",
/// "carrier-grade NAT", "multicast", "reserved", "unspecified", "unique-local", "documentation",
/// ...), or nullptr for a globally routable unicast address. IPv6 forms that embed an IPv4
/// address (IPv4-mapped, NAT64, 6to4) are judged by the embedded address.
const char* special_range(const IpAddress& address);

/// Refuses special-purpose addresses except those listed explicitly (PMS_FETCH_ALLOW).
class AddressFilter {
public:
    AddressFilter() = default;
    explicit AddressFilter(std::vector<IpAddress> allowed) : allowed_(std::move(allowed)) {}

    /// Parses the items of PMS_FETCH_ALLOW; throws std::invalid_argument naming a bad item.
    static AddressFilter from_list(const std::vector<std::string>& items);

    /// Why connecting to `address` is refused ("refused address 10.0.0.1 (private)"), or nothing
    /// when it is allowed. An allowed entry exempts exactly that address, in that family. The
    /// reason names the address: it is for the log, never for clients.
    std::optional<std::string> refusal(const IpAddress& address) const;

private:
    std::vector<IpAddress> allowed_;
};

}  // namespace pms::worker
