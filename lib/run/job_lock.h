// JobLock: one pix-run at a time per job store. The lock is an flock() on
// "<store>.lock", which holds the owner's pid and job for messages; the
// kernel drops an flock when its holder dies, even by kill -9, so a crash
// never leaves a stale lock behind (unlike an O_EXCL file, which needs a
// staleness guess). A second pix-run is refused at once with a message that
// names the running process (the decision for overlapping cron runs: refuse,
// do not wait; see man/pix-run.1).
//
// Failure modes: kLimitExceeded when another process holds the lock (the
// message names it); kIoError when the lock file cannot be opened. Not
// thread-safe; one per process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace pix {

class JobLock {
 public:
  // Takes the lock for `store_path`, writing our pid and `job` into it.
  static Result<std::unique_ptr<JobLock>> Acquire(const std::string& store_path, int64_t job);
  ~JobLock();  // releases (the file stays; its contents are stale once unlocked)

  // Records the job once its id is known.
  void SetJob(int64_t job);
  const std::string& path() const { return path_; }

  // The pid written in the lock file of `store_path` while it is held, or 0.
  static int64_t HolderPid(const std::string& store_path);

 private:
  JobLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace pix
