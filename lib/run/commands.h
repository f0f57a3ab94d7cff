// The pix-run commands (check, run, resume, retry, status, list, logs,
// cancel, clean), each a function over the job store, so the tool's main only
// parses flags and every command is testable without a process. Output goes
// through CommandOutput: `out` for what the user asked for (stdout), the
// observer for progress and messages (stderr). Library code: never prints,
// never reads the environment.
//
// Locating the store: --store FILE; else the store of --config dataset.yaml
// (output.store, or OUTPUT/.pix-run/jobs.sqlite); else
// ./.pix-run/jobs.sqlite (inside a dataset directory).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "run/driver.h"

namespace pix {

struct CommandOptions {
  std::string command;             // check, run, resume, ...
  std::vector<std::string> args;   // positional arguments after the command
  std::string config_path;         // --config
  std::string store_path;          // --store
  std::string output_dir;          // -o/--output (run, check)
  std::string tools_dir;           // where the pix-* tools are
  std::string shard;               // --shard K/N (run, check)
  bool json = false;               // --json
  std::string html_path;           // status --html FILE
  std::string stage;               // logs --stage, retry --stage
  std::string level;               // logs --level
  bool failed = false;             // retry --failed
  std::vector<std::string> codes;  // retry --code
  RunOptions run;                  // --metrics, ...
};

struct CommandOutput {
  std::function<void(const std::string& text)> out;
  RunObserver observer;
};

// Runs one command; returns the exit code (man/pix-run.1, EXIT STATUS).
int RunCommand(const CommandOptions& options, const CommandOutput& output);

// merge OUT SHARD_DIR...: one dataset from shard datasets (merge.cpp).
int MergeShards(const CommandOptions& options, const CommandOutput& output);

}  // namespace pix
