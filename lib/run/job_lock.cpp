#include "run/job_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "base/files.h"

namespace pix {
namespace {

void WriteOwner(int fd, int64_t job) {
  const std::string text = fmt::format("pid {}\njob {}\n", ::getpid(), job);
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, text.data(), text.size(), 0);
}

// Reads "pid N\njob J\n".
void ReadOwner(int fd, int64_t* pid, int64_t* job) {
  char buf[128] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return;
  std::sscanf(buf, "pid %ld\njob %ld", pid, job);
}

}  // namespace

Result<std::unique_ptr<JobLock>> JobLock::Acquire(const std::string& store_path, int64_t job) {
  const std::string path = store_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("cannot open lock " + path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    int64_t pid = 0, other_job = 0;
    ReadOwner(fd, &pid, &other_job);
    ::close(fd);
    if (err != EWOULDBLOCK) return Status::FromErrno("cannot lock " + path, err);
    return Status::LimitExceeded(fmt::format(
        "{} is in use: pix-run pid {} is running job {} of this dataset; wait for it, or stop it "
        "with `pix-run cancel {}`",
        store_path, pid, other_job, other_job));
  }
  WriteOwner(fd, job);
  return std::unique_ptr<JobLock>(new JobLock(fd, path));
}

JobLock::~JobLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

void JobLock::SetJob(int64_t job) { WriteOwner(fd_, job); }

int64_t JobLock::HolderPid(const std::string& store_path) {
  if (store_path.empty()) return 0;
  const std::string path = store_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int64_t pid = 0, job = 0;
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {  // nobody holds it
    ::close(fd);
    return 0;
  }
  ReadOwner(fd, &pid, &job);
  ::close(fd);
  return pid;
}

}  // namespace pix
