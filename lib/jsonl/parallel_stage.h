// RunParallelMapStage: the shared stage loop (RunMapStage) for CPU-bound
// stages, with `process` running on several threads and the output kept in
// input order.
//
// The calling thread reads records, hands those without an error to a pool of
// `concurrency` workers, and writes results strictly in input order; records
// that arrived with an earlier stage's error are passed through in their
// place. At most 4 x concurrency records are in flight, so memory stays
// bounded on endless input. Finished records are written before the next
// blocking read, so a slow producer upstream does not hold back what is done.
// With concurrency 1 everything runs on the calling thread.
//
// Thread-safety: `process` is called concurrently on different records and
// must not share mutable state without its own locking. A non-OK Status from
// `process` ends the run as fatal after the records before it are written.
// SIGINT/SIGTERM (InterruptRequested) stops reading; records in flight are
// finished and written, then the exit code is 130.
#pragma once

#include <functional>
#include <string>

#include "base/cli.h"
#include "base/terminal.h"
#include "jsonl/stage_io.h"

namespace pix {

// `summary`, when set, is called after the loop for the text appended to the
// end-of-run summary line; `progress` likewise for the progress line.
struct ParallelStageHooks {
  std::function<std::string()> summary;
  std::function<std::string()> progress;
};

int RunParallelMapStage(const std::string& stage, const CommonOptions& options, Terminal* terminal,
                        int concurrency, const ProcessFn& process,
                        const ParallelStageHooks& hooks = {});

}  // namespace pix
