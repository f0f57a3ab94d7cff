#include "jsonl/reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/signals.h"

namespace pix {
namespace {
constexpr size_t kReadChunk = 256 << 10;
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

Result<std::unique_ptr<RecordReader>> RecordReader::Open(const std::string& path,
                                                         const ReaderOptions& options) {
  if (path == "-" || path.empty()) {
    return std::make_unique<RecordReader>(STDIN_FILENO, "<stdin>", options);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(path, errno);
  auto reader = std::make_unique<RecordReader>(fd, path, options);
  reader->owns_fd_ = true;
  return reader;
}

RecordReader::RecordReader(int fd, std::string name, const ReaderOptions& options)
    : fd_(fd), name_(std::move(name)), options_(options) {}

RecordReader::~RecordReader() {
  if (owns_fd_) ::close(fd_);
}

Status RecordReader::Fill() {
  if (stop_reading_) return Status::Interrupted("reading stopped");
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  if (cancel_fd_ >= 0) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {cancel_fd_, POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0) {
      if (errno != EINTR) return Status::FromErrno(name_, errno);
    }
    if (fds[1].revents) return Status::Interrupted("reading cancelled");
  }
  const size_t old = buf_.size();
  buf_.resize(old + kReadChunk);
  for (;;) {
    ssize_t n = ::read(fd_, buf_.data() + old, kReadChunk);
    if (n >= 0) {
      buf_.resize(old + static_cast<size_t>(n));
      if (n == 0) eof_ = true;
      return Status::Ok();
    }
    if (errno == EINTR) {
      if (InterruptRequested()) {
        buf_.resize(old);
        return Status::Interrupted();
      }
      continue;
    }
    buf_.resize(old);
    return Status::FromErrno(name_, errno);
  }
}

Result<RecordReader::LineResult> RecordReader::ReadLine() {
  text_.clear();
  bool too_long = false;
  for (;;) {
    const char* start = buf_.data() + pos_;
    const size_t avail = buf_.size() - pos_;
    const void* nl = std::memchr(start, '\n', avail);
    if (nl) {
      const size_t len = static_cast<const char*>(nl) - start;
      if (!too_long && text_.size() + len <= options_.max_line_bytes + 1)
        text_.append(start, len);
      else
        too_long = true;
      pos_ += len + 1;
      break;
    }
    if (!too_long) {
      if (text_.size() + avail > options_.max_line_bytes + 1) {
        too_long = true;  // drop what we have; keep reading to the newline
        text_.clear();
      } else {
        text_.append(start, avail);
      }
    }
    pos_ = buf_.size();
    if (eof_) {
      if (text_.empty() && !too_long) return LineResult::kEnd;
      break;  // a last line without a newline
    }
    PIX_RETURN_IF_ERROR(Fill());
  }
  ++line_;
  if (too_long) return LineResult::kTooLong;
  if (!text_.empty() && text_.back() == '\r') text_.pop_back();
  if (text_.size() > options_.max_line_bytes) return LineResult::kTooLong;
  return LineResult::kLine;
}

Status RecordReader::LineError(const Status& cause) const {
  return Status(cause.code(), name_ + ":" + std::to_string(line_) + ": " + cause.message());
}

Result<std::optional<Record>> RecordReader::Next() {
  for (;;) {
    PIX_ASSIGN_OR_RETURN(LineResult what, ReadLine());
    if (what == LineResult::kEnd) return std::optional<Record>();
    Status error;
    if (what == LineResult::kTooLong) {
      error = LineError(Status::LimitExceeded("line longer than " +
                                              std::to_string(options_.max_line_bytes) +
                                              " bytes (see --max-line-bytes)"));
    } else {
      std::string_view text = text_;
      if (line_ == 1 && text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
      auto record = Record::Parse(text, parser_);
      if (record.ok()) return std::optional<Record>(std::move(record).value());
      error = LineError(record.status());
      if (text.substr(0, kBom.size()) == kBom) {
        error = LineError(Status::Corruption("byte-order mark is only allowed at the start"));
      }
    }
    if (!options_.skip_invalid) return error;
    if (skipped_++ == 0) first_skip_message_ = error.message();
  }
}

}  // namespace pix
