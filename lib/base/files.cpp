#include "base/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstdio>
#include <vector>

namespace pix {
namespace {
constexpr size_t kAtomicWriterBuffer = 64 << 10;
}  // namespace

Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + partial, errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return Status::FromErrno(dir, errno);
  if (!S_ISDIR(st.st_mode)) return Status::IoError(dir + ": not a directory");
  return Status::Ok();
}

std::string TempPathFor(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
  const std::string prefix =
      (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp-";
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
      const std::string_view digits = name.substr(prefix.size());
      if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
      const pid_t pid = static_cast<pid_t>(std::stol(std::string(digits)));
      if (pid <= 0 || pid == ::getpid()) continue;
      if (::kill(pid, 0) != 0 && errno == ESRCH) ::unlink(JoinPath(dir, name).c_str());
    }
    ::closedir(d);
  }
  return path + ".tmp-" + std::to_string(::getpid());
}

Result<int> OpenRegularFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever
  // (and in a worker thread, past SIGINT). O_NOCTTY: a terminal never
  // becomes ours.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno(path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": not a regular file");
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno(path, err);
  }
  return fd;
}

bool IsSpecialFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  if (IsSpecialFile(path)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(path, errno);
    int err = WriteAll(fd, data);
    if (::close(fd) != 0 && err == 0) err = errno;
    return err == 0 ? Status::Ok() : Status::FromErrno(path, err);
  }
  const std::string temp = TempPathFor(path);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(temp, errno);
  if (const int err = WriteAll(fd, data); err != 0) {
    ::close(fd);
    ::unlink(temp.c_str());
    return Status::FromErrno(temp, err);
  }
  if (::close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return Status::FromErrno(path, err);
  }
  return Status::Ok();
}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

void AtomicFileWriter::Abandon() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFileWriter::Open(const std::string& path) {
  path_ = path;
  if (IsSpecialFile(path)) {
    temp_.clear();
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) return Status::FromErrno(path, errno);
    buf_.reserve(kAtomicWriterBuffer);
    return Status::Ok();
  }
  temp_ = TempPathFor(path);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::FromErrno(temp_, errno);
  buf_.reserve(kAtomicWriterBuffer);
  return Status::Ok();
}

Status AtomicFileWriter::Append(std::string_view data) {
  if (fd_ < 0) return Status::IoError(path_ + ": not open for writing");
  buf_.append(data);
  size_ += data.size();
  return buf_.size() >= kAtomicWriterBuffer ? Flush() : Status::Ok();
}

Status AtomicFileWriter::Flush() {
  if (const int err = WriteAll(fd_, buf_); err != 0) {
    Abandon();
    return Status::FromErrno(path_, err);
  }
  buf_.clear();
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return Status::IoError(path_ + ": not open for writing");
  PIX_RETURN_IF_ERROR(Flush());
  const int fd = fd_;
  fd_ = -1;
  if (temp_.empty()) return ::close(fd) == 0 ? Status::Ok() : Status::FromErrno(path_, errno);
  if (::close(fd) != 0 || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    return Status::FromErrno(path_, err);
  }
  return Status::Ok();
}

int WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(n);
  }
  return 0;
}

// Reads up to `max_bytes` of `path` and hands each chunk to `consume`.
static Status ReadChunks(const std::string& path, size_t max_bytes,
                         const std::function<void(std::string_view)>& consume) {
  PIX_ASSIGN_OR_RETURN(const int fd, OpenRegularFile(path));
  char buf[65536];
  size_t total = 0;
  while (total < max_bytes) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, max_bytes - total));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return Status::FromErrno(path, err);
    }
    if (n == 0) break;
    consume(std::string_view(buf, static_cast<size_t>(n)));
    total += static_cast<size_t>(n);
  }
  ::close(fd);
  return Status::Ok();
}

Status ReadFileChunks(const std::string& path, const std::function<void(std::string_view)>& consume) {
  return ReadChunks(path, SIZE_MAX, consume);
}

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::string out;
  PIX_RETURN_IF_ERROR(ReadChunks(path, max_bytes, [&](std::string_view chunk) { out.append(chunk); }));
  return out;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

Status CopyFile(const std::string& from, const std::string& to,
                const std::function<void(std::string_view)>& each_chunk) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::FromErrno("cannot open " + from, errno);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return Status::FromErrno("cannot create " + to, err);
  }
  // Closes both, removing `to`, and returns the failure.
  auto fail = [&](const std::string& what, int err) {
    ::close(in);
    ::close(out);
    ::unlink(to.c_str());
    return Status::FromErrno(what, err);
  };
  std::vector<char> buf(1 << 17);
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read " + from, errno);
    if (n == 0) break;
    const std::string_view chunk(buf.data(), static_cast<size_t>(n));
    if (each_chunk) each_chunk(chunk);
    if (const int err = WriteAll(out, chunk)) return fail("cannot write " + to, err);
  }
  ::close(in);
  if (::close(out) != 0) {
    const int err = errno;
    ::unlink(to.c_str());
    return Status::FromErrno("cannot write " + to, err);
  }
  return Status::Ok();
}

bool LinkRefused(int err) {
  return err == EXDEV || err == EPERM || err == EMLINK || err == EOPNOTSUPP || err == ENOTSUP ||
         err == EINVAL || err == ENOSYS || err == ETXTBSY;
}

Result<LinkOutcome> LinkOrCopyFile(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) == 0) return LinkOutcome::kLinked;
  if (errno == EEXIST) return LinkOutcome::kExisting;
  if (!LinkRefused(errno)) {
    return Status::FromErrno("cannot link " + from + " to " + to, errno);
  }
  const std::string temp = TempPathFor(to);
  ::unlink(temp.c_str());  // left by this pid's earlier copy that failed to rename
  PIX_RETURN_IF_ERROR(CopyFile(from, temp));
  if (std::rename(temp.c_str(), to.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return Status::FromErrno("cannot rename " + temp + " to " + to, err);
  }
  return LinkOutcome::kCopied;
}

// Removes `name` in the folder `parent_fd` (`path` in messages). A folder is
// opened with O_NOFOLLOW and emptied through its descriptor, so a symbolic
// link, wherever it points and even if it replaced a folder after a look,
// is only ever unlinked itself.
static Status RemoveTreeAt(int parent_fd, const char* name, const std::string& path) {
  const int fd =
      ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    if (errno != ENOTDIR && errno != ELOOP) {
      return Status::FromErrno("cannot read folder " + path, errno);
    }
    // Not a folder (a file, a symbolic link, a FIFO): unlink it.
    if (::unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT) {
      return Status::FromErrno("cannot remove " + path, errno);
    }
    return Status::Ok();
  }
  DIR* d = ::fdopendir(fd);
  if (!d) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno("cannot read folder " + path, err);
  }
  std::vector<std::string> names;
  while (dirent* ent = ::readdir(d)) {
    std::string child = ent->d_name;
    if (child != "." && child != "..") names.push_back(std::move(child));
  }
  Status s;
  for (const std::string& child : names) {
    s = RemoveTreeAt(::dirfd(d), child.c_str(), JoinPath(path, child));
    if (!s.ok()) break;
  }
  ::closedir(d);
  PIX_RETURN_IF_ERROR(s);
  if (::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return Status::FromErrno("cannot remove " + path, errno);
  }
  return Status::Ok();
}

Status RemoveTree(const std::string& path) { return RemoveTreeAt(AT_FDCWD, path.c_str(), path); }

std::string ExecutableDir(const char* argv0) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string(argv0);
  const size_t slash = self.rfind('/');
  return slash == std::string::npos ? "." : self.substr(0, slash);
}

}  // namespace pix
