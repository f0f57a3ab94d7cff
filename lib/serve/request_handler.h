// RequestHandler: pix-serve's policy as a pure function from a request to a
// response decision, so tests call it without a socket. The HTTP library
// (server.h) parses the wire format and carries out the decision.
//
// Routes (GET and HEAD only; anything else is 405):
//   /d/<path>?expires=&sig=   a file under the root, for a valid signed link
//                             (signed_link.h); 403 with the same short body
//                             for a missing, wrong or expired signature; 404
//                             for a path that is malformed, escapes the root
//                             (checked again by the kernel: openat2 with
//                             RESOLVE_BENEATH, so symlinks out of the root
//                             fail), or is not a regular file (no listings).
//   /auth                     for nginx auth_request: checks the signed link
//                             in X-Original-URI; 204 when valid, else 403.
//                             Cheap: no file system access.
//   anything else             404.
// Files: single byte ranges (206, 416 with "Content-Range: bytes */LEN"),
// several ranges answered with the whole file, If-Range, If-None-Match and
// If-Modified-Since (304), ETag (the archive's SHA-256 from "NAME.sha256"
// beside it when that file is at least as new as the archive, else size and
// mtime), Last-Modified, Accept-Ranges. The response holds an open file
// descriptor and the byte range to send; nothing is read into memory.
//
// Thread-safety: Handle() is const and may run on many threads at once.
// Failure modes: Open() fails when the root is not a readable directory;
// Handle() never fails, every problem is an HTTP status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "serve/signed_link.h"

namespace pix {

// The parts of a request the policy looks at. Views must outlive Handle().
struct ServeRequest {
  std::string_view method;   // "GET", "HEAD", ...
  std::string_view target;   // raw request-target, e.g. "/d/a.tar?expires=1&sig=ab"
  // Header values; empty when absent.
  std::string_view range;
  std::string_view if_range;
  std::string_view if_none_match;
  std::string_view if_modified_since;
  std::string_view original_uri;  // X-Original-URI, set by nginx for /auth
  int64_t now = 0;                // unix seconds
};

// An open file descriptor, closed on destruction.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& o) noexcept;
  ~OwnedFd();
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct ServeResponse {
  int status = 500;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;     // the whole body when there is no file
  OwnedFd file;         // when set: send `length` bytes from `offset`
  uint64_t offset = 0;
  uint64_t length = 0;  // also the Content-Length of a HEAD answer

  // The value of header `name` (exact case as set here); "" when absent.
  std::string Header(std::string_view name) const;
  // Body bytes a GET sends (for the access log).
  uint64_t BodyBytes() const { return file ? length : body.size(); }
};

class RequestHandler {
 public:
  // Serves files under `root` for links signed by `signer`.
  static Result<std::unique_ptr<RequestHandler>> Open(const std::string& root, LinkSigner signer);
  ~RequestHandler();
  RequestHandler(const RequestHandler&) = delete;
  RequestHandler& operator=(const RequestHandler&) = delete;

  ServeResponse Handle(const ServeRequest& request) const;

 private:
  RequestHandler(OwnedFd root, LinkSigner signer)
      : root_(std::move(root)), signer_(std::move(signer)) {}
  ServeResponse Auth(const ServeRequest& request) const;
  ServeResponse File(const ServeRequest& request, const std::string& path) const;
  // Opens `path` beneath the root; -1 with errno set on failure.
  int OpenBeneath(const std::string& path) const;
  std::string EtagFor(const std::string& path, uint64_t size, int64_t mtime) const;

  OwnedFd root_;
  LinkSigner signer_;
};

// The request-target with the value of its `sig` parameter replaced by "-",
// so access logs never hold a usable link.
std::string RedactSignature(std::string_view target);

}  // namespace pix
