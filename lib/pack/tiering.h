// Moving datasets down the storage tiers: folder -> hot (zip) -> warm (7z)
// -> archive (tar.zst), one step or several at once.
//
// MoveDownTier writes the new archive beside the old form, reads it back and
// checks every entry against the dataset's MANIFEST (pack/archive.h),
// fsyncs it (so a power cut cannot lose both forms), and only then deletes
// the old form (the folder, or the old archive and its
// .sha256). A failed check keeps the old form and removes the new archive.
// MoveOlderDown does that for every dataset in a folder (folders holding a
// MANIFEST, and .zip/.7z archives) last modified before a cut-off, for
// cron. Thread-safety: reentrant. Failure modes: kInvalidArgument for a
// move up or sideways; kCorruption when the new archive does not match
// the MANIFEST; kNotFound without a MANIFEST; kIoError otherwise.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "base/status.h"
#include "pack/archive.h"

namespace pix {

// The tier of a path on disk: kFolder for a folder, else by suffix.
Tier TierOf(const std::string& path);

// Returns the path of the new archive.
Result<std::string> MoveDownTier(const std::string& source, Tier to, const ArchiveOptions& options);

struct TierMove {
  std::string from;
  std::string to;  // empty when it failed
  Status status;
};
// Every dataset directly in `folder` older than `cutoff` (mtime) and above
// tier `to`.
Result<std::vector<TierMove>> MoveOlderDown(const std::string& folder, Tier to, time_t cutoff,
                                            const ArchiveOptions& options);

// "7d", "12h", "30m", "45s" or plain seconds; nullopt when malformed.
std::optional<int64_t> ParseAge(std::string_view text);

}  // namespace pix
