#include "serve/request_handler.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fmt/format.h>

#include "serve/http_range.h"

namespace pix {
namespace {

constexpr std::string_view kAuthPath = "/auth";

ServeResponse Plain(int status, std::string_view body) {
  ServeResponse r;
  r.status = status;
  r.body = body;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// One body for every refusal, so it cannot tell a prober which part was wrong.
ServeResponse Forbidden() { return Plain(403, "Forbidden\n"); }
ServeResponse NotFound() { return Plain(404, "Not Found\n"); }

std::string_view Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// A Content-Disposition naming the file, when its name needs no escaping.
std::string Disposition(std::string_view name) {
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == ';') return "attachment";
  }
  return fmt::format("attachment; filename=\"{}\"", name);
}

bool IsHex64(std::string_view s) {
  if (s.size() < 64) return false;
  for (size_t i = 0; i < 64; ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s.size() == 64 || s[64] == ' ' || s[64] == '\n' || s[64] == '\t' || s[64] == '\r';
}

}  // namespace

OwnedFd& OwnedFd::operator=(OwnedFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

OwnedFd::~OwnedFd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ServeResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Result<std::unique_ptr<RequestHandler>> RequestHandler::Open(const std::string& root,
                                                             LinkSigner signer) {
  OwnedFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Status::FromErrno("serve root " + root, errno);
  return std::unique_ptr<RequestHandler>(new RequestHandler(std::move(fd), std::move(signer)));
}

RequestHandler::~RequestHandler() = default;

ServeResponse RequestHandler::Handle(const ServeRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    ServeResponse r = Plain(405, "Method Not Allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path == kAuthPath) return Auth(request);
  if (path.substr(0, kLinkPrefix.size()) != kLinkPrefix) return NotFound();
  LinkCheck check = signer_.Check(request.target, request.now);
  switch (check.verdict) {
    case LinkVerdict::kValid:
      return File(request, check.path);
    case LinkVerdict::kBadPath:
      return NotFound();
    case LinkVerdict::kExpired:
    case LinkVerdict::kForbidden:
      break;
  }
  return Forbidden();
}

ServeResponse RequestHandler::Auth(const ServeRequest& request) const {
  if (request.original_uri.empty() ||
      signer_.Check(request.original_uri, request.now).verdict != LinkVerdict::kValid) {
    return Forbidden();
  }
  ServeResponse r;
  r.status = 204;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

int RequestHandler::OpenBeneath(const std::string& path) const {
  constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  struct open_how how {};
  how.flags = kFlags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root_.get(), path.c_str(), &how, sizeof how);
  if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<int>(fd);
  // No openat2 (Linux < 5.6, or a seccomp filter): walk the path refusing
  // every symlink, which is stricter than RESOLVE_BENEATH.
  OwnedFd dir(::dup(root_.get()));
  std::string_view rest = path;
  while (dir) {
    const size_t slash = rest.find('/');
    const std::string segment(rest.substr(0, slash));
    if (slash == std::string_view::npos) return ::openat(dir.get(), segment.c_str(), kFlags | O_NOFOLLOW);
    dir = OwnedFd(::openat(dir.get(), segment.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    rest.remove_prefix(slash + 1);
  }
  return -1;
}

std::string RequestHandler::EtagFor(const std::string& path, uint64_t size, int64_t mtime) const {
  OwnedFd digest(OpenBeneath(path + ".sha256"));
  struct stat st {};
  if (digest && ::fstat(digest.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime >= mtime) {
    char buf[160];
    const ssize_t n = ::pread(digest.get(), buf, sizeof buf, 0);
    if (n > 0 && IsHex64(std::string_view(buf, static_cast<size_t>(n)))) {
      return fmt::format("\"{}\"", std::string_view(buf, 64));
    }
  }
  return fmt::format("\"{:x}-{:x}\"", mtime, size);
}

ServeResponse RequestHandler::File(const ServeRequest& request, const std::string& path) const {
  OwnedFd fd(OpenBeneath(path));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return NotFound();
  // Regular files ignore O_NONBLOCK, but the sender expects a blocking fd.
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  const auto size = static_cast<uint64_t>(st.st_size);
  const int64_t mtime = st.st_mtime;
  const std::string etag = EtagFor(path, size, mtime);

  ServeResponse r;
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Last-Modified", FormatHttpDate(mtime));
  r.headers.emplace_back("Accept-Ranges", "bytes");
  bool not_modified = false;
  if (!request.if_none_match.empty()) {
    not_modified = IfNoneMatchMatches(request.if_none_match, etag);
  } else if (auto since = ParseHttpDate(request.if_modified_since)) {
    not_modified = mtime <= *since;
  }
  if (not_modified) {
    r.status = 304;
    return r;
  }
  r.headers.emplace_back("Content-Type", "application/octet-stream");
  r.headers.emplace_back("Content-Disposition", Disposition(Basename(path)));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");

  RangeDecision range;
  if (request.method == "GET" && !request.range.empty() &&
      (request.if_range.empty() || IfRangeMatches(request.if_range, etag, mtime))) {
    range = ParseRange(request.range, size);
  }
  switch (range.kind) {
    case RangeKind::kWhole:
      r.status = 200;
      r.offset = 0;
      r.length = size;
      break;
    case RangeKind::kPartial:
      r.status = 206;
      r.offset = range.range.first;
      r.length = range.range.size();
      r.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", range.range.first,
                                                          range.range.last, size));
      break;
    case RangeKind::kUnsatisfiable: {
      ServeResponse refused = Plain(416, "Range Not Satisfiable\n");
      refused.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
      refused.headers.emplace_back("Accept-Ranges", "bytes");
      return refused;
    }
  }
  r.file = std::move(fd);
  return r;
}

std::string RedactSignature(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, question + 1));
  std::string_view query = target.substr(question + 1);
  bool first = true;
  while (true) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    out += pair.substr(0, 4) == "sig=" ? std::string_view("sig=-") : pair;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace pix
