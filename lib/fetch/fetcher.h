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
// sanitised `label` (unless `by_label` is off). With `accept` kAny, files of
// every type are kept and named "<16 hex>-<the URL's file name>"
// (download_name.h), so an archive keeps the extension other programs go by.
// Bytes go to ".<16 hex>.part" and are renamed into place only when complete,
// accepted and (when a checksum is known) matching, so a file under its final
// name is always whole. A re-run skips a URL whose file is already present
// (re-hashing it to fill the fields); with `resume`, a ".part" left by an
// interrupted run is continued with an HTTP Range request, sent with If-Range
// and the validator (ETag or Last-Modified) its first response had, kept in
// ".<16 hex>.part.etag": when the file changed on the server, or the server
// ignores Range, the download starts over instead of splicing two files.
//
// Checksums (`checksum`): a record's `expected_sha256`, or the sha256sum file
// its `sha256_url` names, or (kBeside, kRequire) the file "URL.sha256" beside
// the download, gives the digest the file must have; a mismatch fails the
// record with `checksum_mismatch` and the bytes are removed.
//
// Thread-safety: Run() uses one thread and one HttpClient.
#pragma once

#include <optional>
#include <string>

#include "http/client.h"
#include "jsonl/stage_io.h"

namespace pix {

// Which files a run keeps.
enum class AcceptTypes {
  kImages,  // raster images only; anything else is `not_an_image`
  kAny,     // every file, whatever its bytes (archives, documents, ...)
};

// When a download's SHA-256 is checked against a published one.
enum class ChecksumMode {
  kOff,      // never (the record's expected_sha256 and sha256_url are ignored)
  kAuto,     // when the record has expected_sha256 or sha256_url
  kBeside,   // also try "URL.sha256" for other records; none there is fine
  kRequire,  // as kBeside, and a record without a checksum fails
};

struct FetchOptions {
  // Where files go. Created when missing.
  std::string output_dir = "images";
  // One subdirectory per sanitised label; records without a label go to the top.
  bool by_label = true;
  // Continue partial downloads left by an interrupted run (HTTP Range).
  bool resume = false;
  // Images only (the pipeline's fetch stage), or files of any type
  // (archives from pix-serve, say). kAny skips every image check: no
  // not_an_image, and a body sent with Content-Encoding is kept as sent.
  AcceptTypes accept = AcceptTypes::kImages;
  // Checking downloads against published SHA-256 digests. kAuto costs
  // nothing for records without checksum fields; kBeside and kRequire cost
  // one small request per download.
  ChecksumMode checksum = ChecksumMode::kAuto;
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
