/// The SSRF address filter: every special-purpose range refused, public addresses allowed, the
/// allow list exempting exactly the listed address. Pure: nothing here connects anywhere.
#include "worker/pipeline/address_filter.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

namespace pms::worker {
namespace {

IpAddress ip(const char* text) {
    const auto address = IpAddress::parse(text);
    EXPECT_TRUE(address.has_value()) << text;
    return address.value_or(IpAddress{});
}

std::string range_of(const char* text) {
    const char* range = special_range(ip(text));
    return range == nullptr ? "public" : range;
}

TEST(AddressFilter, RefusesIpv4SpecialRanges) {
    EXPECT_EQ(range_of("10.0.0.1"), "private");
    EXPECT_EQ(range_of("10.255.255.255"), "private");
    EXPECT_EQ(range_of("172.16.5.4"), "private");
    EXPECT_EQ(range_of("172.31.255.255"), "private");
    EXPECT_EQ(range_of("192.168.1.1"), "private");
    EXPECT_EQ(range_of("169.254.169.254"), "link-local");
    EXPECT_EQ(range_of("100.64.0.1"), "carrier-grade NAT");
    EXPECT_EQ(range_of("100.127.255.255"), "carrier-grade NAT");
    EXPECT_EQ(range_of("127.0.0.1"), "loopback");
    EXPECT_EQ(range_of("127.0.0.2"), "loopback");
    EXPECT_EQ(range_of("0.0.0.0"), "unspecified");
    EXPECT_EQ(range_of("0.1.2.3"), "unspecified");
    EXPECT_EQ(range_of("224.0.0.1"), "multicast");
    EXPECT_EQ(range_of("239.255.255.250"), "multicast");
    EXPECT_EQ(range_of("255.255.255.255"), "broadcast");
    EXPECT_EQ(range_of("240.0.0.1"), "reserved");
    EXPECT_EQ(range_of("192.0.0.8"), "reserved");
    EXPECT_EQ(range_of("198.18.0.1"), "reserved");
    EXPECT_EQ(range_of("192.0.2.1"), "documentation");
    EXPECT_EQ(range_of("198.51.100.7"), "documentation");
    EXPECT_EQ(range_of("203.0.113.9"), "documentation");
}

TEST(AddressFilter, RangeEdgesAreExact) {
    EXPECT_EQ(range_of("172.15.255.255"), "public");
    EXPECT_EQ(range_of("172.32.0.0"), "public");
    EXPECT_EQ(range_of("100.63.255.255"), "public");
    EXPECT_EQ(range_of("100.128.0.0"), "public");
    EXPECT_EQ(range_of("11.0.0.0"), "public");
    EXPECT_EQ(range_of("9.255.255.255"), "public");
    EXPECT_EQ(range_of("169.253.255.255"), "public");
    EXPECT_EQ(range_of("223.255.255.255"), "public");
    EXPECT_EQ(range_of("198.20.0.0"), "public");
}

TEST(AddressFilter, AllowsPublicAddresses) {
    EXPECT_EQ(range_of("93.184.216.34"), "public");
    EXPECT_EQ(range_of("8.8.8.8"), "public");
    EXPECT_EQ(range_of("1.1.1.1"), "public");
    EXPECT_EQ(range_of("2606:2800:220:1:248:1893:25c8:1946"), "public");
    EXPECT_EQ(range_of("2a00:1450:4001:82a::200e"), "public");
}

TEST(AddressFilter, RefusesIpv6SpecialRanges) {
    EXPECT_EQ(range_of("::"), "unspecified");
    EXPECT_EQ(range_of("::1"), "loopback");
    EXPECT_EQ(range_of("fe80::1"), "link-local");
    EXPECT_EQ(range_of("febf::1"), "link-local");
    EXPECT_EQ(range_of("fc00::1"), "unique-local");
    EXPECT_EQ(range_of("fd12:3456:789a::1"), "unique-local");
    EXPECT_EQ(range_of("fec0::1"), "site-local");
    EXPECT_EQ(range_of("ff02::1"), "multicast");
    EXPECT_EQ(range_of("2001:db8::1"), "documentation");
    EXPECT_EQ(range_of("2001::1"), "reserved");      // Teredo
    EXPECT_EQ(range_of("2001:10::1"), "reserved");   // ORCHID
    EXPECT_EQ(range_of("100::1"), "reserved");       // discard-only
    EXPECT_EQ(range_of("::2"), "reserved");          // IPv4-compatible (deprecated)
    EXPECT_EQ(range_of("4000::1"), "reserved");      // outside 2000::/3
    EXPECT_EQ(range_of("64:ff9b:1::1"), "private");  // local-use NAT64
}

TEST(AddressFilter, JudgesIpv4EmbeddedInIpv6ByTheIpv4Address) {
    EXPECT_EQ(range_of("::ffff:127.0.0.1"), "loopback");
    EXPECT_EQ(range_of("::ffff:10.0.0.1"), "private");
    EXPECT_EQ(range_of("::ffff:169.254.169.254"), "link-local");
    EXPECT_EQ(range_of("::ffff:93.184.216.34"), "public");
    EXPECT_EQ(range_of("64:ff9b::7f00:1"), "loopback");   // NAT64 of 127.0.0.1
    EXPECT_EQ(range_of("64:ff9b::5db8:d822"), "public");  // NAT64 of 93.184.216.34
    EXPECT_EQ(range_of("2002:c0a8:0101::1"), "private");  // 6to4 of 192.168.1.1
    EXPECT_EQ(range_of("2002:5db8:d822::1"), "public");   // 6to4 of 93.184.216.34
}

TEST(AddressFilter, RefusalNamesTheAddressAndItsRange) {
    const AddressFilter filter;
    EXPECT_EQ(filter.refusal(ip("10.0.0.1")), "refused address 10.0.0.1 (private)");
    EXPECT_EQ(filter.refusal(ip("::ffff:127.0.0.1")),
              "refused address ::ffff:127.0.0.1 (loopback)");
    EXPECT_EQ(filter.refusal(ip("93.184.216.34")), std::nullopt);
}

TEST(AddressFilter, AllowListExemptsExactlyTheListedAddress) {
    const AddressFilter filter = AddressFilter::from_list({"127.0.0.1", "fd00::5"});
    EXPECT_EQ(filter.refusal(ip("127.0.0.1")), std::nullopt);
    EXPECT_EQ(filter.refusal(ip("fd00::5")), std::nullopt);
    EXPECT_TRUE(filter.refusal(ip("127.0.0.2")).has_value());
    EXPECT_TRUE(filter.refusal(ip("::1")).has_value());
    EXPECT_TRUE(filter.refusal(ip("fd00::6")).has_value());
    // The IPv4-mapped form is another address: it must be listed itself.
    EXPECT_TRUE(filter.refusal(ip("::ffff:127.0.0.1")).has_value());
    EXPECT_TRUE(filter.refusal(ip("10.0.0.1")).has_value());
}

TEST(AddressFilter, AllowListRejectsNamesAndGarbage) {
    EXPECT_THROW(AddressFilter::from_list({"localhost"}), std::invalid_argument);
    EXPECT_THROW(AddressFilter::from_list({"10.0.0.0/8"}), std::invalid_argument);
    EXPECT_THROW(AddressFilter::from_list({"2130706433"}), std::invalid_argument);
    EXPECT_NO_THROW(AddressFilter::from_list({}));
}

TEST(AddressFilter, ParsesOnlyStandardNumericForms) {
    EXPECT_FALSE(IpAddress::parse("").has_value());
    EXPECT_FALSE(IpAddress::parse("example.com").has_value());
    EXPECT_FALSE(IpAddress::parse("127.1").has_value());
    EXPECT_EQ(ip("::ffff:127.0.0.1").to_string(), "::ffff:127.0.0.1");
    EXPECT_EQ(ip("10.0.0.1").to_string(), "10.0.0.1");
}

TEST(AddressFilter, ReadsSocketAddresses) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_addr.s_addr = htonl(0x7F000002);  // 127.0.0.2
    const auto a = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->to_string(), "127.0.0.2");

    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    const auto mapped = ip("::ffff:10.0.0.1");
    std::memcpy(&v6.sin6_addr, mapped.bytes.data(), 16);
    const auto b = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(*b, mapped);

    sockaddr other{};
    other.sa_family = AF_UNIX;
    EXPECT_FALSE(IpAddress::from_sockaddr(&other, sizeof other).has_value());
    EXPECT_FALSE(IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&v4), 4).has_value());
}

}  // namespace
}  // namespace pms::worker
