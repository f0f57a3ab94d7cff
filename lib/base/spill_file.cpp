#include "base/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "base/files.h"

namespace pix {
namespace {

constexpr size_t kBuffer = 1 << 20;

}  // namespace

Result<ByteSpill> ByteSpill::Create(const std::string& dir, const std::string& prefix) {
  std::string path = (dir.empty() ? std::string(".") : dir) + "/" + prefix + "XXXXXX";
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot create a temporary file in " + dir, errno);
  ::unlink(path.c_str());
  return ByteSpill(fd, dir);
}

ByteSpill::ByteSpill(ByteSpill&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      dir_(std::move(other.dir_)),
      buf_(std::move(other.buf_)),
      bytes_(other.bytes_),
      read_(other.read_) {}

ByteSpill& ByteSpill::operator=(ByteSpill&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    dir_ = std::move(other.dir_);
    buf_ = std::move(other.buf_);
    bytes_ = other.bytes_;
    read_ = other.read_;
  }
  return *this;
}

ByteSpill::~ByteSpill() {
  if (fd_ >= 0) ::close(fd_);
}

Status ByteSpill::Flush() {
  if (const int err = WriteAll(fd_, buf_)) {
    return Status::FromErrno("writing a temporary file in " + dir_, err);
  }
  buf_.clear();
  return Status::Ok();
}

Status ByteSpill::Append(const void* data, size_t size) {
  buf_.append(static_cast<const char*>(data), size);
  bytes_ += size;
  return buf_.size() >= kBuffer ? Flush() : Status::Ok();
}

Status ByteSpill::Rewind() {
  PIX_RETURN_IF_ERROR(Flush());
  if (::lseek(fd_, 0, SEEK_SET) < 0) return Status::FromErrno("rewinding a temporary file", errno);
  read_ = 0;
  return Status::Ok();
}

Result<size_t> ByteSpill::Read(void* data, size_t size) {
  char* out = static_cast<char*>(data);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd_, out + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("reading a temporary file in " + dir_, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  read_ += got;
  return got;
}

}  // namespace pix
