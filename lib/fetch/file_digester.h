// FileDigester: SHA-256 of finished downloads on a thread of its own.
//
// Hashing is about a tenth of pix-fetch's CPU time on a fast link, and on the
// transfer loop's thread it delays every other transfer. The fetcher instead
// renames a finished download into place, hands the path to Hash(), and
// writes the record when the digest comes back. The file is read back from
// the page cache, which costs a copy but no disk I/O.
//
// Thread-safety: Hash(), RunFinished() and pending() are called from one
// thread (the owner's); the worker thread only hashes. `wake` is called from
// the worker after each job so that the owner can stop waiting on the network.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"

namespace pix {

class FileDigester {
 public:
  // Receives the file's SHA-256 (lower-case hex) and size, or why it could
  // not be read. Runs on the owner's thread, inside RunFinished().
  using Then = std::function<Status(Result<std::string> digest, uint64_t size)>;

  explicit FileDigester(std::function<void()> wake);
  ~FileDigester();  // Finishes the job in progress, drops queued ones, joins.
  FileDigester(const FileDigester&) = delete;
  FileDigester& operator=(const FileDigester&) = delete;

  void Hash(std::string path, Then then);
  // Runs the continuations of the jobs finished so far, in finishing order;
  // stops at the first that fails and returns its status.
  Status RunFinished();
  // Waits for every job handed in and runs its continuation.
  Status Drain();
  // Jobs handed in whose continuation has not run yet.
  size_t pending() const { return pending_; }

 private:
  struct Job {
    std::string path;
    Then then;
    Result<std::string> digest = std::string();
    uint64_t size = 0;
  };
  void Work();

  std::function<void()> wake_;
  std::mutex mu_;
  std::condition_variable cv_;       // work to do, or stop
  std::condition_variable cv_done_;  // a job finished
  std::deque<Job> todo_;  // guarded by mu_
  std::deque<Job> done_;  // guarded by mu_
  bool stop_ = false;     // guarded by mu_
  size_t pending_ = 0;    // owner's thread only
  std::thread worker_;
};

}  // namespace pix
