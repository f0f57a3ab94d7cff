// DirectoryLock: one writing run per output directory.
//
// Two pix-fetch runs into one directory would write the same part files and
// rename each other's half-written bytes into place. Instead, a run takes an
// exclusive flock(2) on "<dir>/.<tool>.lock" (holding the process ID as text)
// for its whole life, and a second run refuses at once with "<dir>: directory
// in use by <tool> PID <n>". The kernel drops the lock when the process ends
// in any way, kill -9 included, so a stale lock never blocks the next run;
// the lock file itself stays (removing it would race with a new run). On a
// read-only file system nobody can write, so Acquire succeeds without a lock.
//
// Thread-safety: a lock is a value owned by one thread. Failure modes: the
// directory cannot be written (an I/O Status naming it), or it is in use (an
// I/O Status naming the holder's PID when it could be read).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace pix {

class DirectoryLock {
 public:
  // Takes the lock on `dir` (which must exist) for `tool` ("pix-fetch").
  static Result<DirectoryLock> Acquire(const std::string& dir, std::string_view tool);

  DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace pix
