// Signed links: the only way to reach a file through pix-serve.
//
// A link is "/d/<path>?expires=<unix seconds>&sig=<64 hex digits>", where sig
// is HMAC-SHA256(secret, "GET\n/d/<path>\n<expires>") in lower-case hex and
// <path> is the decoded path relative to the served root. HEAD is answered
// for a GET link (it is a GET without the body). Signing the decoded path
// means one link works however a client re-encodes it.
//
// Paths are checked before anything else: strict percent-decoding (a
// malformed escape is an error), and no encoded '/' or '\', no NUL or other
// control character, no empty, "." or ".." segment, no segment starting with
// '.' (dot files, such as a secret kept beside the data, are never served).
//
// Signatures are compared in constant time; the verdict does not say which
// part of a bad link was wrong, and callers answer every failure the same way.
// Thread-safety: a LinkSigner is immutable after construction; share it freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "serve/hmac.h"

namespace pix {

// Secrets shorter than this are refused: a short key makes the MAC guessable.
inline constexpr size_t kMinSecretBytes = 16;

// Reads a secret from a file: its bytes without trailing whitespace. Refuses
// a file others may read or write (chmod 600 or 640 it), and a short secret.
Result<std::string> ReadSecretFile(const std::string& path);

// Checks a secret given some other way (an environment variable).
Status CheckSecret(std::string_view secret);

// The decoded relative path of a link path (the part after "/d/"), or
// InvalidArgument saying what is wrong with it.
Result<std::string> DecodeLinkPath(std::string_view raw);

// A relative path percent-encoded for a URL ('/' kept between segments).
// REQUIRES: path passes DecodeLinkPath's checks once encoded.
std::string EncodeLinkPath(std::string_view path);

// The URL prefix of signed links.
inline constexpr std::string_view kLinkPrefix = "/d/";

enum class LinkVerdict {
  kValid,         // signature matches and the link has not expired
  kExpired,       // signature matches, but `expires` is in the past
  kForbidden,     // missing, malformed or wrong signature or expiry
  kBadPath,       // not under /d/, or a path that fails DecodeLinkPath
};

struct LinkCheck {
  LinkVerdict verdict = LinkVerdict::kForbidden;
  std::string path;      // decoded relative path (when the path is well-formed)
  int64_t expires = 0;   // when verdict is kValid or kExpired
};

class LinkSigner {
 public:
  // REQUIRES: CheckSecret(secret).ok()
  explicit LinkSigner(std::string_view secret) : key_(std::make_shared<HmacSha256Key>(secret)) {}

  // The hex signature of a GET of relative `path` until `expires`.
  std::string Signature(std::string_view path, int64_t expires) const;

  // "/d/<encoded path>?expires=<expires>&sig=<hex>". Fails for a path that
  // DecodeLinkPath would refuse, so no link to an unservable path is made.
  Result<std::string> Link(std::string_view path, int64_t expires) const;

  // Checks a raw request-target (path and query, as sent on the wire) at
  // time `now` (unix seconds).
  LinkCheck Check(std::string_view target, int64_t now) const;

 private:
  std::shared_ptr<const HmacSha256Key> key_;  // shared: copies of a signer are cheap
};

// Parses a duration such as "3600", "90s", "15m", "24h" or "7d" into seconds.
Result<int64_t> ParseDuration(std::string_view text);

}  // namespace pix
