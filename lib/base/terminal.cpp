#include "base/terminal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pix {

Terminal::Terminal(std::string tool_name, bool quiet) : tool_(std::move(tool_name)), quiet_(quiet) {
  const char* term = std::getenv("TERM");
  smart_ = ::isatty(STDERR_FILENO) == 1 && !(term && std::strcmp(term, "dumb") == 0);
  const char* no_colour = std::getenv("NO_COLOR");
  colour_ = smart_ && !(no_colour && *no_colour);
  // In `a | b | c` every stage shares one terminal, and their progress lines
  // would overwrite one another. Only a stage whose output is not a pipe,
  // the last one, draws progress; it counts what the whole pipeline delivers.
  struct stat out {};
  progress_ = smart_ && !(::fstat(STDOUT_FILENO, &out) == 0 && S_ISFIFO(out.st_mode));
}

Terminal::~Terminal() { ClearProgress(); }

void Terminal::Emit(std::string_view label, const char* colour, std::string_view message) {
  ClearProgress();
  // On a terminal, start by erasing the line: another stage of the pipeline
  // may have drawn its progress there.
  std::string line = smart_ ? "\r\x1b[K" + tool_ + ": " : tool_ + ": ";
  if (!label.empty()) {
    if (colour_) line += colour;
    line += label;
    if (colour_) line += "\x1b[0m";
    line += ": ";
  }
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void Terminal::Error(std::string_view message) { Emit("error", "\x1b[1;31m", message); }

void Terminal::Warning(std::string_view message) { Emit("warning", "\x1b[1;33m", message); }

void Terminal::Info(std::string_view message) {
  if (!quiet_) Emit("", "", message);
}

void Terminal::Progress(std::string_view line, bool force) {
  if (!progress_ || quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && progress_shown_ && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  std::string out = "\r\x1b[K" + tool_ + ": ";
  out += line;
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
  progress_shown_ = true;
}

void Terminal::ClearProgress() {
  if (!progress_shown_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  progress_shown_ = false;
}

}  // namespace pix
