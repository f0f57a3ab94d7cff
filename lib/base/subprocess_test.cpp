#include "base/subprocess.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "base/files.h"

namespace pix {
namespace {

// Feeds `input` to the child's stdin and collects stdout and stderr until
// both close, polling as a driver does.
void Pump(Subprocess& child, std::string input, std::string* out, std::string* err) {
  while (child.stdout_fd() >= 0 || child.stderr_fd() >= 0) {
    std::vector<pollfd> fds;
    if (child.stdin_fd() >= 0) fds.push_back({child.stdin_fd(), POLLOUT, 0});
    if (child.stdout_fd() >= 0) fds.push_back({child.stdout_fd(), POLLIN, 0});
    if (child.stderr_fd() >= 0) fds.push_back({child.stderr_fd(), POLLIN, 0});
    REQUIRE(::poll(fds.data(), fds.size(), 5000) > 0);
    for (const pollfd& p : fds) {
      if (!p.revents) continue;
      if (p.fd == child.stdin_fd()) {
        const ssize_t n = ::write(p.fd, input.data(), input.size());
        if (n > 0) input.erase(0, static_cast<size_t>(n));
        if (input.empty() || n < 0) child.CloseStdin();
      } else if (p.fd == child.stdout_fd()) {
        if (!ReadAvailable(p.fd, out)) child.CloseStdout();
      } else if (!ReadAvailable(p.fd, err)) {
        child.CloseStderr();
      }
    }
  }
}

TEST_CASE("Subprocess pipes a large input through a child and keeps its exit code") {
  auto child = Subprocess::Start({.argv = {"sh", "-c", "cat; echo done >&2; exit 3"},
                                  .pipe_stdin = true, .pipe_stdout = true, .pipe_stderr = true});
  REQUIRE(child.ok());
  std::string input(1 << 20, 'x');  // larger than a pipe buffer: needs the poll loop
  std::string out, err;
  Pump(**child, input, &out, &err);
  auto status = (*child)->Wait();
  REQUIRE(status.ok());
  CHECK(out.size() == input.size());
  CHECK(err == "done\n");
  CHECK((*status)->code == 3);
  CHECK((*status)->signal == 0);
  CHECK((*status)->ToString() == "exit 3");
}

TEST_CASE("Subprocess reports a child killed by a signal, and adds environment") {
  auto child = Subprocess::Start({.argv = {"sh", "-c", "echo $PIX_SUBPROCESS_TEST; exec sleep 30"},
                                  .env = {"PIX_SUBPROCESS_TEST=hello"}, .pipe_stdout = true,
                                  .null_stdin = true, .new_process_group = true});
  REQUIRE(child.ok());
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{(*child)->stdout_fd(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 5000) == 1);
    REQUIRE(ReadAvailable(p.fd, &line));
  }
  CHECK(line == "hello\n");
  auto running = (*child)->Wait(false);
  REQUIRE(running.ok());
  CHECK(!running->has_value());
  (*child)->Kill(SIGKILL);
  auto status = (*child)->Wait();
  REQUIRE(status.ok());
  CHECK((*status)->signal == SIGKILL);
  CHECK(!(*status)->ok());
}

TEST_CASE("Subprocess: a program that does not exist is an error, not a child") {
  auto child = Subprocess::Start({.argv = {"/nonexistent/pix-no-such-tool"}});
  REQUIRE(!child.ok());
  CHECK(child.status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace pix
