// RunLabel: pix-label's whole run. Gives every record with a usable image a
// `label` (possibly corrected), `label_confidence` (0..1), `label_source`,
// `needs_review` and `label_evidence` (why), from a list of backends of which
// later ones refine earlier ones.
//
// The run reads its input twice more from an unlinked spool file
// (RecordSpool): first to learn the labels (their terms go into one matcher),
// then to gather each image's evidence and merge it across records of the
// same image (same sha256, or the same dedup `cluster`), then to write. In
// memory per record: its group and label (8 bytes), per group its candidate
// labels' support (about 100 bytes); for image backends, each usable image's
// path and verdict.
//
// Records that arrived with an error, with "valid": false or with `dup_of`
// pass through untouched (duplicates still count as evidence for their
// image). A record without a label, or, with a closed label set, with a label
// outside it, passes through with a warning count, or fails with
// missing_label / unknown_label under `strict`. Nothing is dropped unless
// `drop_below` is set: those records go to `rejects_path` (with a
// `label_drop_reason`) and are counted.
//
// Blending (documented in pix-label(1)): the first backend sets the
// confidence; each later image backend b with verdict (label M, confidence
// p) gives the current label L the probability p if M == L, else 1 - p, and
// the confidence becomes (1 - w) * previous + w * that (w: refine_weight). A
// verdict for another label with p >= 0.5 is a disagreement: needs review.
//
// Thread-safety: one run per StageIo. Failure modes: I/O errors (Status and
// exit code 3), a backend's up-front errors (exit code 2 or 3) before any
// output.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jsonl/stage_io.h"
#include "label/evidence.h"
#include "label/label_backend.h"
#include "text/wordnet.h"

namespace pix {

struct LabelOptions {
  // Run the `evidence` backend first (the default list is just "evidence").
  bool evidence = true;
  // Image backends after it, in order.
  std::vector<ImageLabelBackend*> backends;

  // A closed label set; empty: every label in the input.
  std::vector<std::string> labels;

  // needs_review when the confidence is below `review_below` and something
  // speaks against the label (another label named in its texts or found
  // with the image, or an image backend's verdict), or below
  // `review_weak_below` on weak support alone.
  double review_below = 0.5;
  double review_weak_below = 0.1;
  // Drop records whose confidence is below this (0: drop nothing); they go
  // to `rejects_path` when set.
  double drop_below = 0;
  std::string rejects_path;

  // Let a backend move an image to another label when that label's
  // confidence beats the current one's by at least `relabel_margin`.
  bool relabel = false;
  double relabel_margin = 0.2;

  // Fail records without a label (missing_label) or outside the closed set
  // (unknown_label) instead of passing them through.
  bool strict = false;

  // Where the per-label summary goes as JSON (empty: nowhere).
  std::string report_path;

  EvidenceWeights weights;
  // WordNet for synonyms and direct hyponyms of the labels; null: none.
  const WordNet* wordnet = nullptr;
  // Share of the confidence an image backend's verdict takes (see above).
  double refine_weight = 0.6;

  // Relative image paths are resolved against this (empty: the current directory).
  std::string base_dir;
  // Where the spool file lives.
  std::string temp_dir = "/tmp";
};

// Runs pix-label over `io`; returns the exit code (io.Finish()).
int RunLabel(const LabelOptions& options, StageIo& io);

}  // namespace pix
