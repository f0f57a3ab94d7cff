// The address guard: which IP addresses a transfer may connect to.
//
// Crawling means fetching URLs that strangers chose, so by default nothing
// may reach this machine, its network or the cloud's metadata service:
// loopback, private (RFC 1918, IPv6 ULA), link-local, CGNAT, multicast,
// unspecified, broadcast, reserved, documentation and benchmarking ranges,
// IPv4 and IPv6 alike, including IPv4 embedded in IPv6 (mapped ::ffff:a.b.c.d,
// compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16). The check runs at
// connect time (CURLOPT_OPENSOCKETFUNCTION) on the address actually dialled,
// so redirects and DNS names that resolve to such addresses are caught too.
//
// ClassifyAddress() is a pure function; AddressPolicy adds the user's opt-ins
// (--allow-private, --allow-net CIDR). Thread-safe: const after construction.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

enum class AddressClass {
  kPublic,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127.0.0.0/8, ::1
  kPrivate,        // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  kLinkLocal,      // 169.254/16, fe80::/10
  kMetadata,       // 169.254.169.254, 100.100.100.200, fd00:ec2::254
  kCarrierNat,     // 100.64.0.0/10
  kMulticast,      // 224/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kReserved,       // 240/4, 192.0.0/24, 198.18/15, docs ranges, 100::/64, ...
};

const char* AddressClassName(AddressClass c);

// An IPv4 address (4 bytes) or IPv6 address (16 bytes), network byte order.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
};

Result<IpAddress> ParseIpAddress(std::string_view text);
bool IpFromSockaddr(const sockaddr* sa, IpAddress* out);
AddressClass ClassifyAddress(const IpAddress& ip);

struct Cidr {
  IpAddress base;
  int prefix = 0;
  bool Contains(const IpAddress& ip) const;
};
// "10.0.0.0/8", "fd00::/8", or a single address.
Result<Cidr> ParseCidr(std::string_view text);

class AddressPolicy {
 public:
  AddressPolicy() = default;
  AddressPolicy(bool allow_private, std::vector<Cidr> allowed)
      : allow_private_(allow_private), allowed_(std::move(allowed)) {}

  // Whether a connection to `ip` is allowed.
  bool Allows(const IpAddress& ip) const;

 private:
  bool allow_private_ = false;
  std::vector<Cidr> allowed_;
};

}  // namespace pix
