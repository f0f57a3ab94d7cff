#include "base/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace pix {
namespace {

// A pipe whose parent end is non-blocking; both ends close-on-exec (the
// child's end is dup2'ed onto 0/1/2 by the file actions, which clears it).
Status MakePipe(int fds[2], bool parent_reads) {
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  const int parent = parent_reads ? fds[0] : fds[1];
  ::fcntl(parent, F_SETFL, ::fcntl(parent, F_GETFL) | O_NONBLOCK);
  return Status::Ok();
}

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// The parent's environment with `extra` added or replacing same-named entries.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& x : extra) {
      if (std::string_view(x).substr(0, x.find('=')) == name) replaced = true;
    }
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit " + std::to_string(code);
}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(const SubprocessOptions& options) {
  if (options.argv.empty()) return Status::InvalidArgument("subprocess: empty argv");
  std::unique_ptr<Subprocess> child(new Subprocess());
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1]}) CloseFd(fd);
  };
  Status s;
  if (options.pipe_stdin) s = MakePipe(in, false);
  if (s.ok() && options.pipe_stdout) s = MakePipe(out, true);
  if (s.ok() && options.pipe_stderr) s = MakePipe(err, true);
  if (!s.ok()) {
    close_all();
    return s;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.pipe_stdin) {
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  } else if (options.null_stdin) {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (options.pipe_stdout) posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (options.pipe_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // The child starts with default dispositions for the signals a driver
  // ignores or catches (SIGPIPE ignored would hide closed pipes from it).
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  if (options.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);

  std::vector<std::string> argv_strings = options.argv;
  std::vector<std::string> env_strings = MergedEnvironment(options.env);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  CloseFd(&in[0]);
  CloseFd(&out[1]);
  CloseFd(&err[1]);
  if (rc != 0) {
    close_all();
    Status failed = Status::FromErrno("cannot run " + options.argv[0], rc);
    if (rc == ENOENT) return Status::NotFound(failed.message());
    return failed;
  }
  child->pid_ = pid;
  child->own_group_ = options.new_process_group;
  child->stdin_fd_ = in[1];
  child->stdout_fd_ = out[0];
  child->stderr_fd_ = err[0];
  return child;
}

Subprocess::~Subprocess() {
  CloseStdin();
  CloseStdout();
  CloseStderr();
  if (pid_ > 0 && !status_) {
    Kill(SIGKILL);
    (void)Wait(true);
  }
}

void Subprocess::CloseStdin() { CloseFd(&stdin_fd_); }
void Subprocess::CloseStdout() { CloseFd(&stdout_fd_); }
void Subprocess::CloseStderr() { CloseFd(&stderr_fd_); }

void Subprocess::Kill(int signal) {
  if (pid_ <= 0 || status_) return;
  if (own_group_) {
    ::kill(-pid_, signal);
  } else {
    ::kill(pid_, signal);
  }
}

Result<std::optional<ExitStatus>> Subprocess::Wait(bool block) {
  if (status_) return status_;
  int raw = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &raw, block ? 0 : WNOHANG);
    if (r == pid_) break;
    if (r == 0) return std::optional<ExitStatus>();
    if (errno == EINTR) continue;
    return Status::FromErrno("waitpid " + std::to_string(pid_), errno);
  }
  ExitStatus s;
  if (WIFEXITED(raw)) s.code = WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) s.signal = WTERMSIG(raw);
  status_ = s;
  return status_;
}

bool ReadAvailable(int fd, std::string* buffer) {
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buffer->append(chunk, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof chunk) return true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace pix
