#include "http/address_guard.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {
namespace {

AddressClass Classify(const char* text) {
  auto ip = ParseIpAddress(text);
  REQUIRE(ip.ok());
  return ClassifyAddress(*ip);
}

TEST_CASE("ClassifyAddress: the table") {
  using C = AddressClass;
  struct Case {
    const char* ip;
    AddressClass cls;
  };
  const Case cases[] = {
      // IPv4
      {"8.8.8.8", C::kPublic},
      {"93.184.216.34", C::kPublic},
      {"0.0.0.0", C::kUnspecified},
      {"0.1.2.3", C::kUnspecified},
      {"127.0.0.1", C::kLoopback},
      {"127.255.255.254", C::kLoopback},
      {"10.0.0.1", C::kPrivate},
      {"172.16.0.1", C::kPrivate},
      {"172.31.255.255", C::kPrivate},
      {"172.32.0.1", C::kPublic},
      {"192.168.1.1", C::kPrivate},
      {"169.254.1.1", C::kLinkLocal},
      {"169.254.169.254", C::kMetadata},
      {"100.100.100.200", C::kMetadata},
      {"100.64.0.1", C::kCarrierNat},
      {"100.127.255.255", C::kCarrierNat},
      {"100.128.0.1", C::kPublic},
      {"224.0.0.1", C::kMulticast},
      {"239.255.255.250", C::kMulticast},
      {"255.255.255.255", C::kBroadcast},
      {"240.0.0.1", C::kReserved},
      {"192.0.2.10", C::kReserved},
      {"198.18.0.1", C::kReserved},
      // IPv6
      {"2606:4700::1111", C::kPublic},
      {"::", C::kUnspecified},
      {"::1", C::kLoopback},
      {"fe80::1", C::kLinkLocal},
      {"fc00::1", C::kPrivate},
      {"fd12:3456::1", C::kPrivate},
      {"fd00:ec2::254", C::kMetadata},
      {"ff02::1", C::kMulticast},
      {"2001:db8::1", C::kReserved},
      // IPv4 embedded in IPv6
      {"::ffff:127.0.0.1", C::kLoopback},
      {"::ffff:169.254.169.254", C::kMetadata},
      {"::ffff:10.1.2.3", C::kPrivate},
      {"::ffff:8.8.8.8", C::kPublic},
      {"::127.0.0.1", C::kLoopback},
      {"64:ff9b::10.0.0.1", C::kPrivate},
      {"64:ff9b::8.8.8.8", C::kPublic},
      {"2002:7f00:0001::1", C::kLoopback},  // 6to4 of 127.0.0.1
      {"2002:0808:0808::1", C::kPublic},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ip);
    CHECK(std::string(AddressClassName(Classify(c.ip))) == AddressClassName(c.cls));
  }
}

TEST_CASE("AddressPolicy opt-ins") {
  auto loop = *ParseIpAddress("127.0.0.2");
  auto pub = *ParseIpAddress("8.8.4.4");
  CHECK_FALSE(AddressPolicy().Allows(loop));
  CHECK(AddressPolicy().Allows(pub));
  CHECK(AddressPolicy(true, {}).Allows(loop));
  CHECK(AddressPolicy(false, {*ParseCidr("127.0.0.2/32")}).Allows(loop));
  CHECK_FALSE(AddressPolicy(false, {*ParseCidr("127.0.0.1")}).Allows(loop));
  CHECK(AddressPolicy(false, {*ParseCidr("127.0.0.0/8")}).Allows(loop));
}

TEST_CASE("ParseCidr rejects nonsense") {
  CHECK_FALSE(ParseCidr("10.0.0.0/33").ok());
  CHECK_FALSE(ParseCidr("10.0.0.0/").ok());
  CHECK_FALSE(ParseCidr("example.com").ok());
  CHECK(ParseCidr("fd00::/8").ok());
}

}  // namespace
}  // namespace pix
