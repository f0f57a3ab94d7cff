// Manifest: the list of every file in a dataset with its size and SHA-256,
// and the check of a folder or an archive against it.
//
// MANIFEST is a text file at the dataset root:
//
//   # PixCrawler MANIFEST 1: sha256 size path
//   9f86d08...  1234  cat/tabby-9f86d081.jpg
//
// one line per file, sorted by path (byte order), paths relative to the
// root with '/'; it lists every file but itself (images, label files,
// metadata, report). Paths hold no newline (they are sanitised names).
//
// VerifyFolder walks a dataset folder and reports files the MANIFEST lists
// that are gone (missing), whose size or digest differ (altered), and files
// it does not list (extra). Thread-safety: pure functions. Failure modes:
// kNotFound when there is no MANIFEST, kCorruption naming the line of a
// malformed one, kIoError when the folder cannot be read.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/files.h"
#include "base/status.h"

namespace pix {

inline constexpr char kManifestName[] = "MANIFEST";

struct ManifestEntry {
  std::string sha256;
  uint64_t size = 0;
};
using Manifest = std::map<std::string, ManifestEntry>;  // path -> entry, sorted

// MANIFEST's text, streamed (WriteManifest) or whole.
Status WriteManifest(const Manifest& manifest, const TextSink& out);
std::string ManifestText(const Manifest& manifest);
Result<Manifest> ParseManifest(std::string_view text, std::string_view name);

struct VerifyReport {
  std::vector<std::string> missing;
  std::vector<std::string> altered;
  std::vector<std::string> extra;
  uint64_t checked = 0;  // files listed and found intact
  bool ok() const { return missing.empty() && altered.empty() && extra.empty(); }
};

// Compares `found` (path -> size and digest of what is there) with `manifest`.
VerifyReport CompareWithManifest(const Manifest& manifest, const Manifest& found);

// Every regular file under `root` (relative paths, '/'), except MANIFEST at
// the root; symbolic links and other non-regular files are listed too, as
// they must not be in a dataset. Calls `on_file` for each with its path.
Status ListFiles(const std::string& root, std::vector<std::string>* paths);

// Hashes every file under `root` and compares with root/MANIFEST.
Result<VerifyReport> VerifyFolder(const std::string& root);

}  // namespace pix
