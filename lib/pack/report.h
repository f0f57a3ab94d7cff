// The validation report of a pack run: report.json for programs and a
// self-contained report.html for people (no network, no script: thumbnails
// are embedded as data: URIs, charts are CSS bars).
//
// The page puts the numbers a person scans first at the top (images in the
// dataset, added this run, turned away, faults, needs review), then the
// per-label and per-split counts, reasons records were turned away, the
// quality and confidence histograms, and thumbnails: kept images per label,
// duplicates beside the image they duplicate, rejects, and images that need
// review. Thumbnail counts are capped (ReportOptions) so the page stays a
// few megabytes at any dataset size; report.json lists every record.
//
// Thread-safety: pure functions over the inputs (they read image files for
// thumbnails). Failure modes: none; an image that cannot be thumbnailed is
// shown as a placeholder with the reason.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pack/pack_entry.h"
#include "pack/run_counts.h"

namespace pix {

// A record this run turned away.
struct RejectedRecord {
  std::string reason;
  std::string detail;
  std::string label;
  std::string url;
  std::string source_path;  // the downloaded file, when there was one
  std::string sha256;
  std::string dup_of;
  std::optional<double> quality;
};

struct ReportOptions {
  int thumbnail_side = 160;  // longer side of a thumbnail, pixels
  int kept_per_label = 12;   // thumbnails of kept images per label
  int max_duplicates = 48;   // duplicate pairs shown
  int max_rejects = 48;      // rejected images shown
  int max_review = 96;       // needs-review images shown
};

struct ReportInput {
  std::string name;
  std::string updated;
  std::string root;  // the dataset folder the entries' paths are relative to
  const std::vector<PackEntry>* entries = nullptr;  // the whole dataset
  const std::vector<RejectedRecord>* rejected = nullptr;
  const std::map<std::string, std::string>* folders = nullptr;
  const RunCounts* run = nullptr;
};

std::string ReportJson(const ReportInput& in);
std::string ReportHtml(const ReportInput& in, const ReportOptions& options);

}  // namespace pix
