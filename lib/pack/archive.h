// Archives of a dataset (storage tiers), written and read with libarchive;
// no archive format is written by our own code.
//
//   hot      NAME.zip      ZIP, entries stored (no compression): any
//                          program opens it and reads a file at once
//   warm     NAME.7z       7z, LZMA2
//   archive  NAME.tar.zst  pax tar through zstd at a high level
//
// An archive holds the dataset's files under one folder, NAME/, MANIFEST
// first, then every file the MANIFEST lists in path order: relative,
// sanitised paths, regular files only (no links, no absolute paths, no
// ".."), mode 0644, owner 0, and one fixed time, so packing the same dataset
// twice gives the same bytes (7z aside: libarchive's 7z writer stamps no
// times either, so it is reproducible too). ZIP64 records are used past
// 4 GiB or 65,535 entries (libarchive does so when sizes are set up front,
// as here). The archive is written to "NAME.tmp-PID" and renamed into place;
// then "NAME.sha256" is written beside it in the format `sha256sum -c` reads,
// from a digest of the bytes as they were written (the archive is not read
// again for it). While it is written, the kernel is asked every few
// megabytes to start writing it to the disk, so that a later fsync() (the
// tier move's, before the source is deleted) has little left to wait for.
//
// Entry names are UTF-8: libarchive converts them through the C library's
// locale, so the process must run with a UTF-8 LC_CTYPE (the tools set
// C.UTF-8 at start). Thread-safety: functions are reentrant. Failure modes: kIoError naming the
// file for any read or write failure (the temporary is removed);
// kCorruption when an archive cannot be read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "hash/sha256.h"
#include "pack/manifest.h"

struct archive;  // libarchive's writer

namespace pix {

enum class Tier { kFolder, kHot, kWarm, kArchive };

// "hot", "warm", "archive" (and "folder").
std::optional<Tier> ParseTier(std::string_view name);
const char* TierName(Tier tier);
// ".zip", ".7z", ".tar.zst"; "" for a folder.
const char* TierSuffix(Tier tier);
// The tier of an archive by its name, kFolder when it has no known suffix.
Tier TierOfPath(std::string_view path);

struct ArchiveOptions {
  // Compression level; -1 chooses the tier's default: 7z LZMA2 level 6,
  // zstd level 19. Ignored for hot (stored).
  int level = -1;
  // zstd worker threads (0: one). Ignored by the other tiers.
  int threads = 0;
  // The modification time every entry carries (2000-01-01T00:00:00Z).
  time_t mtime = 946684800;
};

// Where an archive of folder `dir` goes: dir + suffix.
std::string ArchivePathFor(const std::string& dir, Tier tier);

// Writes the files `manifest` lists (and root/MANIFEST first) from dataset
// folder `root` into an archive at `dest`, under the folder `prefix`, and
// writes dest.sha256. REQUIRES: tier != kFolder.
Status WriteArchiveFromFolder(const std::string& root, const Manifest& manifest,
                              const std::string& prefix, Tier tier, const std::string& dest,
                              const ArchiveOptions& options);

// Copies every entry of archive `source` into a new archive of `tier` at
// `dest` (entry by entry, without unpacking to disk), and writes dest.sha256.
Status ConvertArchive(const std::string& source, Tier tier, const std::string& dest,
                      const ArchiveOptions& options);

// What an archive holds: the folder its entries share, the size and digest
// of each (paths relative to that folder) and its MANIFEST's text.
struct ArchiveListing {
  std::string prefix;
  Manifest files;  // without MANIFEST itself
  std::string manifest_text;
  bool has_manifest = false;
  std::vector<std::string> unsafe;  // absolute, "..", links, outside the folder
};
Result<ArchiveListing> ReadArchive(const std::string& path);

// Reads an archive and compares its files with the MANIFEST inside it.
// Entries that are not regular files or escape the folder count as extra.
Result<VerifyReport> VerifyArchive(const std::string& path);

// Writes "<sha256>  <basename>\n" to path + ".sha256" (atomically), `sha256`
// being the file's digest in hex.
Status WriteSha256Beside(const std::string& path, const std::string& sha256);

// Writes archives entry by entry: Open (tier kFolder gives a plain pax tar
// with no .sha256 beside it), Begin + Data or AddFile for each entry, then
// Commit, which renames the temporary into place. Destroying an uncommitted
// writer removes the temporary.
class TierWriter {
 public:
  static Result<std::unique_ptr<TierWriter>> Open(Tier tier, const std::string& path,
                                                  const ArchiveOptions& options);
  ~TierWriter();
  TierWriter(const TierWriter&) = delete;
  TierWriter& operator=(const TierWriter&) = delete;
  Status Begin(const std::string& path, uint64_t size);
  Status Data(const void* data, size_t n);
  Status AddFile(const std::string& entry_path, const std::string& file, uint64_t size);
  Status Commit();

 private:
  TierWriter(std::string path, const ArchiveOptions& options);
  // libarchive's output callback: writes to fd_, hashing on the way.
  static ssize_t Output(::archive* a, void* self, const void* data, size_t n);
  ::archive* a_;
  std::string path_;
  std::string temp_;
  ArchiveOptions options_;
  int fd_ = -1;
  Sha256 sha_;
  uint64_t written_ = 0;   // bytes written to fd_
  uint64_t flushing_ = 0;  // bytes handed to the kernel's writeback
  bool committed_ = false;
  bool sum_beside_ = true;
};

}  // namespace pix
