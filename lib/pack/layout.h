// Layout: where an image goes inside a dataset folder.
//
//   OUT/<label>/<name>.<ext>              (torchvision ImageFolder)
//   OUT/<split>/<label>/<name>.<ext>      (with --split)
//
// SplitPlan assigns a split from a hash, never from order: the key is the
// image's dedup `cluster` when it has one (so near-duplicates share a split
// and no copy of a test image leaks into training), else its sha256. The
// same key always lands in the same split, whatever else is packed with it.
//
// LabelFolders maps labels to folder names injectively: each name is
// sanitised (base/file_names.h); two labels whose names would be equal, also
// when compared case-insensitively (macOS, Windows) or equal to a file the
// dataset root holds (MANIFEST, labels.json, ...), get the later one a "~"
// and 8 hex digits of its SHA-256. Folders already in a dataset keep their
// names, so a re-run never renames.
//
// FileNamer gives each image a name from its URL's last path segment (dots
// turned into '_', so WebDataset keys stay whole), at most 64 bytes, then "-"
// and the first 8 hex digits of its sha256; a name taken in the folder
// (case-insensitively) is lengthened with more of the digest.
//
// Thread-safety: objects are used by one thread. Failure modes: SplitPlan::
// Parse returns kInvalidArgument for a malformed --split.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

class SplitPlan {
 public:
  // "train=0.8,val=0.1,test=0.1": names [a-z0-9_-], fractions > 0 that add
  // up to 1 (within 0.001). An empty spec means no splits.
  static Result<SplitPlan> Parse(std::string_view spec);

  bool empty() const { return parts_.empty(); }
  // The split of `key` (a cluster id or a sha256). REQUIRES: !empty().
  const std::string& Assign(std::string_view key) const;
  const std::vector<std::pair<std::string, double>>& parts() const { return parts_; }

 private:
  std::vector<std::pair<std::string, double>> parts_;  // cumulative upper bounds
  std::vector<std::string> names_;
};

// A position in [0, 1) from the SHA-256 of `key`, uniform and stable.
double SplitPosition(std::string_view key);

// Names of the files the dataset root holds; no label folder may take one.
const std::vector<std::string>& ReservedRootNames();

class LabelFolders {
 public:
  LabelFolders();
  // Records a label's folder from an existing dataset. Returns false when
  // the folder is already another label's (a damaged labels.json).
  bool Adopt(const std::string& label, const std::string& folder);
  // The folder of `label`, choosing one the first time.
  const std::string& FolderFor(const std::string& label);
  const std::map<std::string, std::string>& folders() const { return by_label_; }

 private:
  std::map<std::string, std::string> by_label_;
  std::set<std::string> taken_;  // case-folded folder names
};

class FileNamer {
 public:
  // Marks `path` ("dir/name.ext") as taken.
  void Take(const std::string& dir, const std::string& name);
  // A free name in `dir` for an image from `url` with digest `sha256`.
  std::string NameFor(const std::string& dir, std::string_view url, std::string_view sha256,
                      std::string_view ext);

 private:
  std::map<std::string, std::set<std::string>> taken_;  // dir -> case-folded names
};

// The stem FileNamer starts from: the URL's last path segment,
// percent-decoded, without its extension, sanitised, dots as '_', cut to 64
// bytes at a character boundary; "image" when nothing is left.
std::string StemFromUrl(std::string_view url);

// ASCII lower case (folder comparisons on case-insensitive file systems).
std::string FoldCase(std::string_view s);

}  // namespace pix
