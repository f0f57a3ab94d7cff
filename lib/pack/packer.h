// Packer: the last stage of the pipeline. Reads the final records, decides
// which enter the dataset (pack/admission.h), puts their images in the
// layout of pack/layout.h, and writes every file a dataset holds: label
// files (pack/label_files.h), metadata.json, ATTRIBUTION.md, report.json and
// report.html, and MANIFEST; then, when asked, an archive of a storage tier.
//
// All-or-nothing: a run builds the new version of the dataset in a sibling
// folder "OUT.pix-tmp-PID" (a re-run starts it as hard links of the current
// version, so nothing is copied and existing files are never rewritten),
// and swaps it with OUT in one atomic rename at the end. A crash or
// `kill -9` at any moment leaves OUT as it was; the leftover folder is
// removed by the next run. One run at a time per parent folder (flock).
//
// Incremental: images already in OUT (by sha256, read from its
// labels.json) are recognised and left where they are, in their split;
// new images are added; nothing is renamed or moved.
//
// Thread-safety: one run per process. Failure modes: kInvalidArgument when
// OUT exists and is not a dataset, or its split layout differs from
// --split; kIoError for file-system failures (disk full, permissions),
// with OUT untouched; kInterrupted when signalled (OUT untouched).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "jsonl/stage_io.h"
#include "pack/archive.h"
#include "pack/normalize.h"
#include "pack/place_file.h"
#include "pack/report.h"
#include "pack/run_counts.h"

namespace pix {

struct PackOptions {
  // The dataset folder. Created when missing; when it exists it must be a
  // pix-pack dataset (has labels.json) or empty.
  std::string output_dir;
  // Relative record paths are resolved against this folder ("" = the
  // current directory), which is where pix-fetch ran.
  std::string base_dir;
  // "train=0.8,val=0.1,test=0.1"; empty: no split folders.
  std::string split;
  // How images get into the dataset: hard link (default; falls back to a
  // copy across file systems), reflink, or an independent copy.
  PlaceMode place = PlaceMode::kLink;
  // Resize and re-encode images instead of linking them (pack/normalize.h).
  NormalizeOptions normalize;
  // Remove each source file once the dataset holding it is committed.
  bool move = false;
  // Also write an archive of this tier beside the folder (OUT.zip, ...).
  std::optional<Tier> tier;
  ArchiveOptions archive;
  // When > 0, also write WebDataset tar shards of this many samples each at
  // the dataset root (pack/webdataset.h).
  size_t webdataset_shard_size = 0;
  // Write report.json and report.html (thumbnails cost a decode each).
  bool report = true;
  ReportOptions report_options;
  // The dataset's name in metadata.json, the report and archive folders;
  // "" = the folder's name.
  std::string name;
  // The time written as "updated"/"added" (RFC 3339); the tool passes now.
  std::string now;
};

struct PackSummary {
  RunCounts counts;
  uint64_t images = 0;       // in the dataset after the run
  std::string archive_path;  // when a tier was written
  bool unchanged = false;    // the records added nothing: the dataset was left as it was
};

// Runs a pack over the records of `io` (a sink: each record is Consume()d;
// with an output, pix-pack --records, it is written there with dataset_path
// and split set when admitted, pack_reject when turned away, or an error
// object on a fault). Draws progress, prints the summary, writes --stats
// (extra: added, already_present, left_out, images) and returns the exit
// code (io.Finish()): 1 when any record faulted.
int RunPack(const PackOptions& options, StageIo& io);

}  // namespace pix
