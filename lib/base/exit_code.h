// The exit codes every pix-* tool uses (man/pix.7).
#pragma once

#include "base/status.h"

namespace pix {

enum ExitCode : int {
  kExitOk = 0,             // every record this stage handled is OK
  kExitRecordsFailed = 1,  // finished, but some records failed in this stage
  kExitUsage = 2,          // bad flag, bad config
  kExitFatal = 3,          // the run could not continue (I/O error, ...)
  kExitInterrupted = 130,  // SIGINT or SIGTERM
};

// The exit code for a run that ended with `status` (OK maps to kExitOk; a
// broken pipe is a quiet, successful end, as in ripgrep).
inline int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
    case StatusCode::kBrokenPipe:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kInterrupted:
      return kExitInterrupted;
    default:
      return kExitFatal;
  }
}

}  // namespace pix
