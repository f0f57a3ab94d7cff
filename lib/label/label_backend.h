// ImageLabelBackend: the interface of pix-label's backends that look at the
// pictures (vlm, consensus, classifier), as opposed to `evidence`, which reads
// only the records. The stage gives a backend every usable image at once
// (consensus needs them all to find neighbours; the others use the batch to
// run requests or inferences in parallel) and gets one verdict per image.
//
// Thread-safety: Run() is called once, from the stage's thread; a backend may
// use threads inside it. Failure modes: a verdict carries a per-image error
// code (the record keeps the earlier backends' label); a non-OK Status from
// Run() ends the run before any record is written (a wrong model, an endpoint
// that refuses every request: errors naming the option to fix).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace pix {

// A verdict's label when the backend sees none of the candidates.
inline constexpr uint32_t kNoLabel = UINT32_MAX;

// One image to judge.
struct LabelItem {
  std::string path;     // resolved against --base-dir
  uint32_t label = 0;   // index into the label names
  double prior = 0;     // earlier backends' confidence in `label`, 0..1
  int orientation = 0;  // EXIF orientation from pix-validate's `exif`, 0: unknown
};

struct LabelVerdict {
  bool ok = false;
  uint32_t label = 0;     // the label the backend prefers, or kNoLabel
  double confidence = 0;  // its confidence in that label, 0..1
  // Its confidence in the item's own label when it knows one (consensus:
  // the neighbours' share; classifier: the mass under the label), else -1.
  double own_confidence = -1;
  std::string error_code;  // when !ok: llm_timeout, decode_error, skipped_max_requests, ...
  // Backend facts for label_evidence: a JSON object's members without the
  // braces ("\"model\":\"x\",\"cached\":true"), or empty.
  std::string facts;
};

class ImageLabelBackend {
 public:
  virtual ~ImageLabelBackend() = default;
  // "vlm", "consensus", "classifier".
  virtual const char* name() const = 0;
  // Judges `items`; `labels` are the candidate label names (the closed set,
  // or every label in the input). Fills out->size() == items.size().
  virtual Status Run(const std::vector<LabelItem>& items, const std::vector<std::string>& labels,
                     std::vector<LabelVerdict>* out) = 0;
  // One line for the end-of-run summary ("vlm: 12 asked, 3 cached, ...").
  virtual std::string Summary() const = 0;
};

}  // namespace pix
