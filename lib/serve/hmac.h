// HMAC-SHA256 (RFC 2104 over SHA-256, via OpenSSL 3), hex encoding and a
// constant-time comparison: the primitives under signed links and AWS SigV4.
//
// Pure functions; thread-safe. They cannot fail for in-memory inputs (an
// OpenSSL failure here means a broken installation and aborts via assert in
// debug builds; release builds return an empty digest, which never verifies).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace pix {

// The 32-byte MAC of `data` under `key` (raw bytes, not hex).
std::string HmacSha256(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key, many times: the key schedule (the hashed inner
// and outer pads) is computed once, so each MAC costs two short hash
// finishes instead of a key setup (about ten times faster than HmacSha256 in
// OpenSSL 3). Immutable after construction; Mac() is safe on many threads.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;
  HmacSha256Key(HmacSha256Key&&) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&&) noexcept;

  // Equals HmacSha256(key, data).
  std::string Mac(std::string_view data) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

// Whether a and b hold the same bytes, in time that depends only on their
// lengths (which are public: a signature's length is fixed).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace pix
