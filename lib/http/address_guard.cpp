#include "http/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

namespace pix {
namespace {

// A range in the classification tables: prefix bits of an address.
struct Range {
  const char* cidr;
  AddressClass cls;
};

// Most specific first: the first match wins.
constexpr Range kV4Ranges[] = {
    {"169.254.169.254/32", AddressClass::kMetadata},  // AWS, GCP, Azure, OpenStack
    {"100.100.100.200/32", AddressClass::kMetadata},  // Alibaba Cloud
    {"0.0.0.0/8", AddressClass::kUnspecified},
    {"10.0.0.0/8", AddressClass::kPrivate},
    {"100.64.0.0/10", AddressClass::kCarrierNat},
    {"127.0.0.0/8", AddressClass::kLoopback},
    {"169.254.0.0/16", AddressClass::kLinkLocal},
    {"172.16.0.0/12", AddressClass::kPrivate},
    {"192.0.0.0/24", AddressClass::kReserved},     // IETF protocol assignments
    {"192.0.2.0/24", AddressClass::kReserved},     // TEST-NET-1
    {"192.88.99.0/24", AddressClass::kReserved},   // 6to4 relay anycast
    {"192.168.0.0/16", AddressClass::kPrivate},
    {"198.18.0.0/15", AddressClass::kReserved},    // benchmarking
    {"198.51.100.0/24", AddressClass::kReserved},  // TEST-NET-2
    {"203.0.113.0/24", AddressClass::kReserved},   // TEST-NET-3
    {"224.0.0.0/4", AddressClass::kMulticast},
    {"255.255.255.255/32", AddressClass::kBroadcast},
    {"240.0.0.0/4", AddressClass::kReserved},
};

constexpr Range kV6Ranges[] = {
    {"fd00:ec2::254/128", AddressClass::kMetadata},  // AWS IMDS over IPv6
    {"::/128", AddressClass::kUnspecified},
    {"::1/128", AddressClass::kLoopback},
    {"100::/64", AddressClass::kReserved},       // discard-only
    {"2001:db8::/32", AddressClass::kReserved},  // documentation
    {"2001::/23", AddressClass::kReserved},      // IETF protocol assignments (incl. Teredo)
    {"fc00::/7", AddressClass::kPrivate},        // unique local
    {"fe80::/10", AddressClass::kLinkLocal},
    {"fec0::/10", AddressClass::kPrivate},       // deprecated site-local
    {"ff00::/8", AddressClass::kMulticast},
};

bool PrefixMatches(const uint8_t* a, const uint8_t* b, int bits) {
  const int full = bits / 8;
  if (std::memcmp(a, b, full) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

IpAddress V4(const uint8_t* four) {
  IpAddress ip;
  std::memcpy(ip.bytes.data(), four, 4);
  ip.v6 = false;
  return ip;
}

struct ParsedRange {
  Cidr cidr;
  AddressClass cls;
};

template <size_t N>
std::vector<ParsedRange> ParseTable(const Range (&table)[N]) {
  std::vector<ParsedRange> out;
  for (const Range& r : table) out.push_back({*ParseCidr(r.cidr), r.cls});
  return out;
}

// Classifies by the first matching range of the v4 or v6 table.
AddressClass Lookup(const IpAddress& ip) {
  static const std::vector<ParsedRange> v4 = ParseTable(kV4Ranges);
  static const std::vector<ParsedRange> v6 = ParseTable(kV6Ranges);
  for (const ParsedRange& r : ip.v6 ? v6 : v4) {
    if (r.cidr.Contains(ip)) return r.cls;
  }
  return AddressClass::kPublic;
}

}  // namespace

const char* AddressClassName(AddressClass c) {
  switch (c) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kMetadata: return "cloud metadata";
    case AddressClass::kCarrierNat: return "carrier-grade NAT";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kBroadcast: return "broadcast";
    case AddressClass::kReserved: return "reserved";
  }
  return "unknown";
}

Result<IpAddress> ParseIpAddress(std::string_view text) {
  std::string s(text);
  IpAddress ip;
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = false;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return Status::InvalidArgument("not an IP address: '" + s + "'");
}

bool IpFromSockaddr(const sockaddr* sa, IpAddress* out) {
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    *out = V4(reinterpret_cast<const uint8_t*>(&in->sin_addr));
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(out->bytes.data(), &in6->sin6_addr, 16);
    out->v6 = true;
    return true;
  }
  return false;
}

AddressClass ClassifyAddress(const IpAddress& ip) {
  if (!ip.v6) return Lookup(ip);
  const uint8_t* b = ip.bytes.data();
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr uint8_t kZero[12] = {};
  static constexpr uint8_t kNat64[12] = {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  // IPv4 embedded in IPv6 is judged as the IPv4 address it reaches.
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    return ClassifyAddress(V4(b + 12));
  }
  if (std::memcmp(b, kZero, 12) == 0) {  // ::/96, IPv4-compatible (deprecated)
    const AddressClass own = Lookup(ip);  // :: and ::1 first
    return own != AddressClass::kPublic ? own : ClassifyAddress(V4(b + 12));
  }
  if (b[0] == 0x20 && b[1] == 0x02) {  // 2002::/16, 6to4: bits 16..47 are the IPv4 address
    const AddressClass inner = ClassifyAddress(V4(b + 2));
    if (inner != AddressClass::kPublic) return inner;
  }
  return Lookup(ip);
}

bool Cidr::Contains(const IpAddress& ip) const {
  if (ip.v6 != base.v6) return false;
  return PrefixMatches(ip.bytes.data(), base.bytes.data(), prefix);
}

Result<Cidr> ParseCidr(std::string_view text) {
  const size_t slash = text.find('/');
  PIX_ASSIGN_OR_RETURN(IpAddress ip, ParseIpAddress(text.substr(0, slash)));
  Cidr cidr;
  cidr.base = ip;
  const int max_bits = ip.v6 ? 128 : 32;
  cidr.prefix = max_bits;
  if (slash != std::string_view::npos) {
    const std::string bits(text.substr(slash + 1));
    char* end = nullptr;
    const long n = std::strtol(bits.c_str(), &end, 10);
    if (bits.empty() || *end != '\0' || n < 0 || n > max_bits) {
      return Status::InvalidArgument("bad prefix length in '" + std::string(text) + "'");
    }
    cidr.prefix = static_cast<int>(n);
  }
  return cidr;
}

bool AddressPolicy::Allows(const IpAddress& ip) const {
  if (allow_private_) return true;
  for (const Cidr& c : allowed_) {
    if (c.Contains(ip)) return true;
  }
  return ClassifyAddress(ip) == AddressClass::kPublic;
}

}  // namespace pix
