// PlaceFile: puts one downloaded image into a dataset folder and proves it
// is the image the records describe.
//
// The file is hard-linked (kLink), reflinked (kReflink, FICLONE: a
// copy-on-write clone on btrfs and XFS) or copied (kCopy) to `dest`, then the
// bytes at `dest` are hashed; when `expected_sha256` is given and differs,
// `dest` is removed and the outcome is kChanged: the download changed since
// pix-fetch hashed it, and nothing wrong enters the dataset. A link or
// reflink that the file system refuses (another file system: EXDEV; no
// support: EOPNOTSUPP, EPERM, EMLINK) falls back to a copy, which hashes the
// bytes as it writes them. --move is kLink plus removing the source after the
// dataset is committed, so an interrupted run loses nothing.
//
// REQUIRES: `dest` does not exist (it is a fresh temporary or final name in
// a staging folder). Thread-safety: reentrant. Failure modes: the source
// missing is kMissing, not an error; any other failure to read the source or
// write `dest` (disk full, permissions) is a kIoError naming the path, and
// `dest` is removed.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace pix {

enum class PlaceMode { kLink, kReflink, kCopy };

struct PlaceOutcome {
  enum Kind { kPlaced, kMissing, kChanged } kind = kPlaced;
  std::string sha256;  // of the bytes placed (or found, for kChanged)
  uint64_t bytes = 0;
  const char* how = "";  // "link", "reflink" or "copy"
};

Result<PlaceOutcome> PlaceFile(const std::string& source, const std::string& dest,
                               const std::string& expected_sha256, PlaceMode mode);

// Copies `source` to `dest` (created, mode 0644), cloning where the file
// system can; returns the bytes' SHA-256.
Result<std::string> CopyFileHashed(const std::string& source, const std::string& dest,
                                   uint64_t* bytes);

}  // namespace pix
