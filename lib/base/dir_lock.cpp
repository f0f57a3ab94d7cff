#include "base/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/files.h"

namespace pix {

Result<DirectoryLock> DirectoryLock::Acquire(const std::string& dir, std::string_view tool) {
  const std::string path = JoinPath(dir, "." + std::string(tool) + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  // Nobody can write into a read-only file system, so there is nothing to
  // guard: the run goes on, and each record that needs a write fails alone.
  if (fd < 0 && errno == EROFS) return DirectoryLock(-1);
  if (fd < 0) return Status::FromErrno(path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string holder;
    char buf[32] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      holder = std::string(buf, static_cast<size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    }
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::FromErrno("lock " + path, err);
    return Status::IoError(dir + ": directory in use by " + std::string(tool) +
                           (holder.empty() ? "" : " PID " + holder) +
                           " (another run is writing into it; wait for it to end or choose "
                           "another directory)");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno(path, err);
  }
  return DirectoryLock(fd);
}

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DirectoryLock::~DirectoryLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pix
