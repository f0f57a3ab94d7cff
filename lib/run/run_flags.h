// pix-run's command line: the command, its arguments and every flag, defined
// once here so tools/pix-run/main.cpp stays flags -> ResolveRunOptions() ->
// RunCommand(), and the resolution (the tools directory, the metrics
// interval, SOURCE_DATE_EPOCH) is testable without a process.
//
// Thread-safety: plain values and functions. Failure modes:
// ResolveRunOptions() returns kInvalidArgument when no command was given (the
// parser does not require one, so that --generate works without it); the tool
// exits 2 on it.
#pragma once

#include <string>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "run/commands.h"

namespace pix {

struct RunFlags {
  CommandOptions options;  // what the flags set directly
  bool quiet = false;
  double metrics_interval_s = 5;  // --metrics-interval
};

// Adds pix-run's positional arguments and flags to `cli`, writing into `flags`.
void AddRunFlags(ToolCli& cli, RunFlags* flags);

// The command's options from the flags. The tools directory is --tools-dir,
// else $PIX_RUN_TOOLS_DIR, else `own_dir` (where pix-run itself is); `env`
// also gives SOURCE_DATE_EPOCH, which a run passes on to its stages.
Result<CommandOptions> ResolveRunOptions(const RunFlags& flags, const EnvLookup& env,
                                         const std::string& own_dir);

}  // namespace pix
