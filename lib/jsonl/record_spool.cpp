#include "jsonl/record_spool.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/files.h"
#include "base/spill_file.h"

namespace pix {
namespace {

constexpr size_t kBuffer = 1 << 20;

}  // namespace

Result<std::unique_ptr<RecordSpool>> RecordSpool::Create(const std::string& dir) {
  PIX_ASSIGN_OR_RETURN(const int fd, CreateUnlinkedTempFile(dir, "pix-spool-"));
  return std::unique_ptr<RecordSpool>(new RecordSpool(fd, dir));
}

RecordSpool::~RecordSpool() { ::close(fd_); }

Status RecordSpool::FlushWrites() {
  if (const int err = WriteAll(fd_, buf_)) {
    return Status::FromErrno("writing a temporary file in " + dir_, err);
  }
  buf_.clear();
  return Status::Ok();
}

Status RecordSpool::Append(std::string_view line) {
  buf_.append(line);
  buf_.push_back('\n');
  bytes_ += line.size() + 1;
  return buf_.size() >= kBuffer ? FlushWrites() : Status::Ok();
}

Status RecordSpool::Rewind() {
  if (!reading_) PIX_RETURN_IF_ERROR(FlushWrites());
  if (::lseek(fd_, 0, SEEK_SET) < 0) return Status::FromErrno("rewinding a temporary file", errno);
  reading_ = true;
  eof_ = false;
  buf_.clear();
  pos_ = 0;
  return Status::Ok();
}

Result<bool> RecordSpool::Next(std::string* line) {
  for (;;) {
    const size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      line->assign(buf_, pos_, nl - pos_);
      pos_ = nl + 1;
      return true;
    }
    if (eof_) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    const size_t old = buf_.size();
    buf_.resize(old + kBuffer);
    ssize_t n;
    do {
      n = ::read(fd_, buf_.data() + old, kBuffer);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Status::FromErrno("reading a temporary file in " + dir_, errno);
    buf_.resize(old + static_cast<size_t>(n));
    if (n == 0) eof_ = true;
  }
}

Status ForEachSpooledRecord(RecordSpool& spool, size_t skip, size_t count,
                            const std::function<Status(size_t i, Record& record)>& each) {
  std::string line;
  for (size_t i = 0; i < count; ++i) {
    PIX_ASSIGN_OR_RETURN(const bool more, spool.Next(&line));
    if (!more) return Status::Internal("spool ended early");
    if (i < skip) continue;
    Record record = Record::ParseTrusted(line);
    PIX_RETURN_IF_ERROR(each(i, record));
  }
  return Status::Ok();
}

}  // namespace pix
