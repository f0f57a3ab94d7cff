// pix-dedup's own command-line flags and their resolution into DedupOptions.
// Kept in the library so the tool's main() stays flags ->
// ResolveDedupOptions() -> RunDedup(), and so the checks between flags
// (--exact-only against --keep) and the defaults decided after parsing
// (threads, temp directory) are testable without a process.
//
// Thread-safety: plain values and functions. Failure modes:
// ResolveDedupOptions() returns kInvalidArgument naming the flag to fix; the
// tool exits 2 on it.
#pragma once

#include <chrono>
#include <string>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "dedup/dedup.h"

namespace pix {

struct DedupFlags {
  // The run's options the flags set directly (--threshold, --mark, ...).
  DedupOptions options;
  int threads = 0;               // -c; 0: one per CPU
  std::string keep = "largest";  // --keep
  bool keep_given = false;       // set while parsing: --keep was on the command line
  std::string hash = "exact";    // --hash: exact or fast
  double index_wait_s = std::chrono::duration<double>(DedupOptions{}.index_wait).count();
  std::string temp_dir;  // --temp-dir; empty: $TMPDIR, else DedupOptions' default
};

// Adds pix-dedup's flags (besides the shared -i/-o/...) to `cli`, writing
// into `flags`.
void AddDedupFlags(ToolCli& cli, DedupFlags* flags);

// The run's options from the flags. `env` reads $TMPDIR.
Result<DedupOptions> ResolveDedupOptions(const DedupFlags& flags, const EnvLookup& env);

}  // namespace pix
