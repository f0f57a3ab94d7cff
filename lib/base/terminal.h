// Terminal: everything a tool prints on stderr goes through one object.
//
// Messages carry one prefix, "pix-fetch: error: ...", "pix-fetch: warning:
// ...". A progress line is drawn only when stderr is a terminal, stdout is
// not a pipe (so that in a pipeline only the last stage draws one) and
// --quiet is off; it is redrawn in place, at most ten times a second, and erased
// before any other message. Colour is used only on a terminal and never when
// NO_COLOR is set (https://no-color.org). Not thread-safe: tools report from
// their main loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace pix {

class Terminal {
 public:
  // Reads isatty(2), TERM and NO_COLOR once.
  Terminal(std::string tool_name, bool quiet);
  ~Terminal();

  void Error(std::string_view message);
  void Warning(std::string_view message);
  // An informational line such as the end-of-run summary; --quiet hides it.
  void Info(std::string_view message);

  // Replaces the progress line. Rate-limited unless `force`.
  void Progress(std::string_view line, bool force = false);
  void ClearProgress();

  bool smart() const { return smart_; }
  bool quiet() const { return quiet_; }
  const std::string& tool_name() const { return tool_; }

 private:
  void Emit(std::string_view label, const char* colour, std::string_view message);

  std::string tool_;
  bool quiet_;
  bool smart_;   // stderr is a terminal that understands \r and erase-line
  bool colour_;
  bool progress_;  // smart_, and stdout is not a pipe (the last stage of a pipeline)
  bool progress_shown_ = false;
  std::chrono::steady_clock::time_point last_progress_{};
};

// "1 cluster", "3 clusters": a count and the word that agrees with it.
inline std::string Counted(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace pix
