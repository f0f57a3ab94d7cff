// Subprocess: one child process started with posix_spawn, with pipes to its
// stdin, stdout and stderr (each optional), after ninja's
// subprocess-posix.cc and git's run-command.h: one struct describes the
// child (argv, extra environment, which streams are piped), the caller
// streams or waits.
//
// The parent's ends of the pipes are non-blocking and close-on-exec, so a
// driver can poll() many children from one thread; the child's ends become
// its fds 0, 1 and 2. A stream that is not piped is inherited (stdin: /dev/null
// when `null_stdin`). The child gets its own process group when
// `new_process_group` is set, so a terminal's Ctrl-C reaches only the parent,
// which decides how to stop its children.
//
// Failure modes: Start() fails (kIoError, kNotFound) when the program cannot
// be executed; posix_spawn reports exec failures for a path that exists
// but cannot run as exit status 127. Wait() reaps the child once; the
// destructor kills (SIGKILL) and reaps a child still running, so no zombie
// is left. Thread-safety: one object per thread; not copyable.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace pix {

struct SubprocessOptions {
  std::vector<std::string> argv{};  // argv[0] is the program; a path, or searched in PATH
  std::vector<std::string> env{};   // "NAME=value" added to (or replacing in) the parent's environment
  bool pipe_stdin = false;
  bool pipe_stdout = false;
  bool pipe_stderr = false;
  bool null_stdin = false;  // stdin from /dev/null when not piped
  bool new_process_group = false;
  std::string cwd{};  // the child's working directory; empty: the parent's
};

// How a child ended.
struct ExitStatus {
  int code = -1;    // exit code, or -1 when killed by a signal
  int signal = 0;   // the signal that killed it, or 0
  bool ok() const { return code == 0; }
  // "exit 3", "killed by signal 9 (Killed)".
  std::string ToString() const;
};

class Subprocess {
 public:
  static Result<std::unique_ptr<Subprocess>> Start(const SubprocessOptions& options);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // The parent's pipe ends; -1 when not piped or closed.
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  // Closes the child's stdin (it sees end of input).
  void CloseStdin();
  void CloseStdout();
  void CloseStderr();

  // Sends `signal` (to the process group when it has its own).
  void Kill(int signal);
  // Reaps the child: blocks when `block`, else returns nullopt while it runs.
  Result<std::optional<ExitStatus>> Wait(bool block = true);
  bool exited() const { return status_.has_value(); }
  const std::optional<ExitStatus>& exit_status() const { return status_; }

 private:
  Subprocess() = default;
  pid_t pid_ = -1;
  bool own_group_ = false;
  int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1;
  std::optional<ExitStatus> status_;
};

// Reads what is available on a non-blocking fd into `*buffer` (appending).
// Returns false at end of file (or on an error other than EAGAIN/EINTR).
bool ReadAvailable(int fd, std::string* buffer);

}  // namespace pix
