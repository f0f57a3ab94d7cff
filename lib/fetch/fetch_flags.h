// pix-fetch's own command-line flags and their resolution into FetchOptions.
// Kept in the library so the tool's main() stays flags ->
// ResolveFetchOptions() -> RunFetch(), and so the conversions (seconds to
// durations, the negated switches --flat, --ignore-noai, --no-http2, the
// words of --accept and --checksum) and the network flags' checks are
// testable without a process.
//
// Thread-safety: plain values and functions. Failure modes:
// ResolveFetchOptions() returns kInvalidArgument naming the flag to fix (a
// malformed --allow-net); the tool exits 2 on it.
#pragma once

#include <string>

#include "base/cli.h"
#include "base/status.h"
#include "fetch/fetcher.h"
#include "http/http_flags.h"

namespace pix {

struct FetchFlags {
  // The run's options the flags set directly (--dir, --resume, --per-host, ...).
  FetchOptions options;
  NetworkFlags network;
  bool flat = false;         // --flat: no subdirectory per label
  bool ignore_noai = false;  // --ignore-noai
  bool no_http2 = false;     // --no-http2
  std::string accept = "image";   // --accept image|any
  std::string checksum = "auto";  // --checksum off|auto|beside|require
  double host_delay_s = 0;   // --host-delay
  int low_speed_time_s = static_cast<int>(HttpOptions{}.low_speed_time.count());
};

// Adds pix-fetch's flags (besides the shared -i/-o/...) to `cli`, writing
// into `flags`.
void AddFetchFlags(ToolCli& cli, FetchFlags* flags);

// The run's options from the flags.
Result<FetchOptions> ResolveFetchOptions(const FetchFlags& flags);

}  // namespace pix
