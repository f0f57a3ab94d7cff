// CommonOptions: the flags every record stage shares, and AddCommonFlags(),
// which defines them once on a tool's command line so that -i, -o, -q,
// --line-buffered, --skip-invalid, --max-line-bytes and --stats mean the same
// in every pix-* tool (man/pix.7).
//
// Lives in jsonl, not base, because the options describe a JSON-lines stream;
// base/cli.h knows nothing of records. Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <string>

#include "base/cli.h"
#include "jsonl/reader.h"
#include "jsonl/writer.h"

namespace pix {

// Options every record-processing tool has.
struct CommonOptions {
  std::string input = "-";   // JSON-lines input; "-" is stdin
  std::string output = "-";  // JSON-lines output; "-" is stdout; "" none (sinks)
  bool quiet = false;        // no progress, no summary; errors still print
  bool line_buffered = false;
  bool skip_invalid = false;
  size_t max_line_bytes = ReaderOptions{}.max_line_bytes;
  // Where to write the run's counters as JSON at the end (empty: nowhere).
  // Written atomically, also after a fatal error or an interrupt, so a driver
  // (pix-run) or a CI script reads numbers instead of parsing the summary.
  std::string stats_path;

  ReaderOptions reader_options() const {
    return ReaderOptions{.max_line_bytes = max_line_bytes, .skip_invalid = skip_invalid};
  }
  LineBuffering line_buffering() const {
    return line_buffered ? LineBuffering::kAlways : LineBuffering::kAuto;
  }
};

// Adds -i, -o, -q, --line-buffered, --skip-invalid, --max-line-bytes and
// --stats to `cli`, bound to `options`.
void AddCommonFlags(ToolCli* cli, CommonOptions* options);

}  // namespace pix
