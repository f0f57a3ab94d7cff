// ToolCli: the command-line front of every pix-* tool, over CLI11.
//
// Shared flags are defined here once and mean the same in every tool:
//   -q/--quiet, --config FILE, -c/--concurrency N (the record-stream flags,
//   -i/-o/--stats and the rest, are jsonl/stage_flags.h's AddCommonFlags).
// Parse() implements the manners of a good Unix tool: --help prints to stdout
// and exits 0; --version likewise; a bad flag prints "<tool>: error: ..." and
// a hint to stderr and exits 2 (CLI11's own codes, 100 and up, are not used).
//
// The flag definitions are also the single source of the man page OPTIONS
// section and of the bash, zsh and fish completions: the hidden flag
// `--generate man|bash|zsh|fish` prints them (see cli_docs.h), and a test
// checks that the committed files match the binary.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>


namespace pix {

// Wraps a range or sign validator so that --help shows only the value name
// and default ("N=64"), not the validator's description; limits are in the
// man page. Keep IsMember validators unwrapped: their "{a,b}" list is useful.
inline CLI::Validator Quiet(CLI::Validator v) {
  v.description("");
  return v;
}

class ToolCli {
 public:
  // `name` is the program name ("pix-fetch"); `description` its one-line summary.
  ToolCli(std::string name, std::string description);

  CLI::App& app() { return app_; }
  const std::string& name() const { return name_; }

  CLI::Option* AddQuiet(bool* quiet);
  // -c/--concurrency. `what` says exactly what N counts in this tool (worker
  // threads, connections, ...). With `zero_means_per_cpu`, 0 is accepted and
  // means one per CPU (resolve it with ResolveConcurrency()).
  CLI::Option* AddConcurrency(int* concurrency, const std::string& what,
                              bool zero_means_per_cpu = false);
  CLI::Option* AddConfig(std::string* path);

  // Replaces the "Exit status: ..." footer of --help (the default is the one
  // of record stages: 0 all records OK, 1 some failed, ...).
  void SetExitStatusHelp(const std::string& text);

  // Parses argv. Returns an exit code when the tool should stop right away
  // (--help, --version, --generate, usage error), nullopt to go on.
  std::optional<int> Parse(int argc, char** argv);

 private:
  std::string name_;
  CLI::App app_;
  std::string generate_;
};

// `requested` when positive, else one per CPU (at least 1).
int ResolveConcurrency(int requested);

}  // namespace pix
