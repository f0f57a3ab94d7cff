#include "jsonl/writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/files.h"

namespace pix {
namespace {
constexpr size_t kFlushAt = 64 << 10;
}

Result<std::unique_ptr<RecordWriter>> RecordWriter::Open(const std::string& path,
                                                         LineBuffering mode) {
  if (path == "-" || path.empty()) return std::make_unique<RecordWriter>(STDOUT_FILENO, mode);
  if (IsSpecialFile(path)) {  // /dev/null, a FIFO: written in place, never renamed over
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(path, errno);
    auto writer = std::make_unique<RecordWriter>(fd, mode);
    writer->path_ = path;
    return writer;
  }
  std::string temp = TempPathFor(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(temp, errno);
  auto writer = std::make_unique<RecordWriter>(fd, mode);
  writer->path_ = path;
  writer->temp_path_ = std::move(temp);
  return writer;
}

RecordWriter::RecordWriter(int fd, LineBuffering mode)
    : fd_(fd),
      line_buffered_(mode == LineBuffering::kAlways ||
                     (mode == LineBuffering::kAuto && ::isatty(fd) == 1)) {
  buf_.reserve(kFlushAt + 4096);
}

RecordWriter::~RecordWriter() {
  if (closed_) return;
  if (path_.empty()) {
    (void)Flush();
  } else {
    ::close(fd_);
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  }
}

Status RecordWriter::Write(const Record& record) {
  record.AppendJson(&buf_);
  buf_.push_back('\n');
  ++written_;
  if (line_buffered_ || buf_.size() >= kFlushAt) return Flush();
  return Status::Ok();
}

Status RecordWriter::WriteLine(std::string_view json) {
  buf_.append(json);
  buf_.push_back('\n');
  ++written_;
  if (line_buffered_ || buf_.size() >= kFlushAt) return Flush();
  return Status::Ok();
}

Status RecordWriter::Flush() {
  const int err = WriteAll(fd_, buf_);
  buf_.clear();
  if (err == EPIPE) return Status::BrokenPipe();
  if (err != 0) return Status::FromErrno(path_.empty() ? "<stdout>" : path_, err);
  return Status::Ok();
}

Status RecordWriter::Close() {
  if (closed_) return Status::Ok();
  Status status = Flush();
  closed_ = true;
  if (path_.empty()) return status;
  if (temp_path_.empty()) {  // a special file, written in place
    if (::close(fd_) != 0 && status.ok()) status = Status::FromErrno(path_, errno);
    return status;
  }
  if (status.ok() && ::fsync(fd_) != 0) status = Status::FromErrno(temp_path_, errno);
  if (::close(fd_) != 0 && status.ok()) status = Status::FromErrno(temp_path_, errno);
  if (status.ok() && std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    status = Status::FromErrno(path_, errno);
  }
  if (!status.ok()) ::unlink(temp_path_.c_str());
  return status;
}

}  // namespace pix
