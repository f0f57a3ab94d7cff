// Status and Result<T>: how library code reports failure.
//
// Library functions never print, exit or throw across a module boundary; they
// return a Status (or a Result<T> holding either a value or a non-OK Status).
// Exceptions raised by third-party libraries (CLI11, yaml-cpp, simdjson) are
// caught at the edge of the module that calls them and turned into a Status
// with context. A Status is a small value type: OK carries no message and costs
// no allocation. Thread-safety: values, no shared state.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pix {

enum class StatusCode : unsigned char {
  kOk = 0,
  kInvalidArgument,  // bad flag, bad config, bad value supplied by the user
  kNotFound,         // a file, key or resource that should exist does not
  kCorruption,       // malformed input data (JSON line, image, response)
  kIoError,          // the OS refused a read, write, rename, ...
  kNetwork,          // a transfer failed
  kLimitExceeded,    // a configured limit (bytes, pixels, line length) was hit
  kUnsupported,      // valid input we do not handle
  kInterrupted,      // SIGINT/SIGTERM arrived
  kBrokenPipe,       // the reader of our output went away
  kInternal,         // a bug
};

// A stable snake_case name for `code` ("not_found"), for machine-readable
// output such as --stats.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Network(std::string m) { return {StatusCode::kNetwork, std::move(m)}; }
  static Status LimitExceeded(std::string m) { return {StatusCode::kLimitExceeded, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Interrupted(std::string m = "interrupted") { return {StatusCode::kInterrupted, std::move(m)}; }
  static Status BrokenPipe(std::string m = "broken pipe") { return {StatusCode::kBrokenPipe, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  // An IoError whose message is "<what>: <strerror(errnum)>".
  static Status FromErrno(std::string_view what, int errnum);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message reads "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

  // "ok" or the message; for logs and error records.
  std::string ToString() const { return ok() ? "ok" : message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: !ok() for a meaningful message; returns OK when ok().
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace pix

#define PIX_CONCAT_INNER_(a, b) a##b
#define PIX_CONCAT_(a, b) PIX_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define PIX_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::pix::Status pix_status_ = (expr);        \
    if (!pix_status_.ok()) return pix_status_; \
  } while (0)

// `PIX_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from an OK Result or
// returns its Status.
#define PIX_ASSIGN_OR_RETURN(lhs, expr) \
  PIX_ASSIGN_OR_RETURN_IMPL_(PIX_CONCAT_(pix_result_, __LINE__), lhs, expr)
#define PIX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
