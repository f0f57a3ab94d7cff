// LabelReport: pix-label's per-label summary: for each label, how many images
// it ended with, how many in each confidence band, how many moved in and out
// (--relabel), how many need review and the mean confidence; plus the run's
// totals. Printed on stderr at the end of a run and, with --report FILE,
// written as one JSON object (the shape is in pix-label(1)) for pix-pack's
// report.
//
// Thread-safety: not shared; filled by the stage's thread. No failure modes
// (WriteJson returns the I/O error).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace pix {

// The confidence bands of the summary: [0, 0.5), [0.5, 0.8), [0.8, 0.95), [0.95, 1].
inline constexpr double kBandEdges[] = {0.5, 0.8, 0.95};
inline constexpr const char* kBandNames[] = {"<0.5", "0.5-0.8", "0.8-0.95", ">=0.95"};

class LabelReport {
 public:
  // One labelled record: its label before and after, confidence, review flag.
  void Add(const std::string& original, const std::string& final_label, double confidence,
           bool needs_review, bool dropped);

  uint64_t labelled = 0;
  uint64_t passed_untouched = 0;  // invalid or duplicate
  uint64_t missing_label = 0;
  uint64_t unknown_label = 0;
  uint64_t conflicts = 0;      // images found under more than one label
  uint64_t disagreements = 0;  // a later backend preferred another label
  std::vector<std::string> backends;
  std::map<std::string, std::string> backend_summaries;

  uint64_t moved() const { return moved_; }
  uint64_t needs_review() const { return review_; }
  uint64_t dropped() const { return dropped_; }

  // The stderr table: a header and one line per label.
  std::vector<std::string> Lines() const;
  std::string Json() const;

 private:
  struct PerLabel {
    uint64_t images = 0;
    uint64_t bands[4] = {};
    uint64_t moved_in = 0, moved_out = 0, needs_review = 0, dropped = 0;
    double confidence_sum = 0;
  };
  std::map<std::string, PerLabel> labels_;
  uint64_t moved_ = 0, review_ = 0, dropped_ = 0;
};

int ConfidenceBand(double confidence);

}  // namespace pix
