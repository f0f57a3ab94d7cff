#include "base/status.h"

#include <cerrno>
#include <cstring>

namespace pix {

Status Status::FromErrno(std::string_view what, int errnum) {
  std::string message(what);
  message += ": ";
  message += std::strerror(errnum);
  if (errnum == ENOENT) return NotFound(std::move(message));
  return IoError(std::move(message));
}

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIoError: return "io_error";
    case StatusCode::kNetwork: return "network";
    case StatusCode::kLimitExceeded: return "limit_exceeded";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kInterrupted: return "interrupted";
    case StatusCode::kBrokenPipe: return "broken_pipe";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

}  // namespace pix
