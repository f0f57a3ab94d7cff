// The fetch stage: downloads the image of every record that has a `url`.
//
// For each record it writes the file into the output directory and adds
// path, sha256, bytes, mime (sniffed from the bytes), content_type (as the
// server said), http_status, final_url and fetched_at; or an `error` object
// with a stable code. No record is ever dropped. Records are written in the
// order their downloads finish.
//
// Files are named "<16 hex digits of SHA-256 of the URL>.<ext>" where <ext>
// follows the sniffed type, inside a subdirectory named after the record's
// sanitised `label` (unless `by_label` is off). Bytes go to ".<name>.part"
// and are renamed into place only when complete and an image, so a file under
// its final name is always whole. A re-run skips a URL whose file is already
// present (re-hashing it to fill the fields); with `resume`, a ".part" left by
// an interrupted run is continued with an HTTP Range request (or restarted when
// the server ignores Range). Downloads are hashed while the bytes arrive.
//
// Thread-safety: Run() uses one thread and one HttpClient.
#pragma once

#include <optional>
#include <string>

#include "http/client.h"
#include "jsonl/stage_io.h"

namespace pix {

struct FetchOptions {
  // Where files go. Created when missing.
  std::string output_dir = "images";
  // One subdirectory per sanitised label; records without a label go to the top.
  bool by_label = true;
  // Continue partial downloads left by an interrupted run (HTTP Range).
  bool resume = false;
  // Refuse images whose server sends X-Robots-Tag: noai or noimageai: their
  // owners opted out of AI training.
  bool honour_noai = true;
  // Referer to send: empty for none, "page" for the record's page_url, or a
  // literal URL. Hotlink-protected hosts answer 403 without one.
  std::string referer;
  // Transfers kept in flight (HttpOptions::max_total_connections bounds
  // running ones; the rest wait in the client's queue).
  HttpOptions http;
};

// Runs the stage; returns the process exit code.
//
// A run holds a lock on `output_dir` (DirectoryLock): a second run into the
// same directory refuses at once, fatal, naming the first one's PID. Every
// other file-system error (a label directory that cannot be made, a part file
// that cannot be opened or written: EACCES, EROFS, ENOSPC, EMFILE, a rename
// that fails) fails only the record it hit, with `write_failed`, and the run
// goes on (exit status 1).
int RunFetch(const FetchOptions& options, StageIo& io);

// Descriptors one running transfer may hold: its socket, its part file and
// the resolver's socket pair while its host name is looked up.
inline constexpr int kDescriptorsPerTransfer = 3;
// Descriptors kept for everything else (stdio, wake-up pipes, the digester).
inline constexpr int kReservedDescriptors = 64;

// Lowers options->http's total and per-host concurrency to what
// `open_file_limit` descriptors allow. Returns a warning naming the limit
// when it had to, nullopt otherwise.
std::optional<std::string> FitToOpenFileLimit(FetchOptions* options, uint64_t open_file_limit);

}  // namespace pix
