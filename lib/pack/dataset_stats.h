// metadata.json: statistics of a whole dataset (every entry, old and new)
// and the pipeline counts of the run that last added to it.
//
// Fields: name, updated (RFC 3339), tool and version, images, bytes,
// labels (images, folder and per-split counts for each), splits, formats,
// width/height/bytes (min, median, max), megapixels histogram, engines and
// queries (images each contributed to), licenses, quality and confidence
// (count, mean and a 10-bin histogram over 0..1; images without a value
// counted as missing), needs_review, and pipeline (RunCounts::ToJson).
// Thread-safety: pure function. Failure modes: none.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pack/pack_entry.h"
#include "pack/run_counts.h"

namespace pix {

// A 10-bin histogram of values in [0, 1] (1.0 falls in the last bin).
struct UnitHistogram {
  uint64_t bins[10] = {};
  uint64_t count = 0;
  uint64_t missing = 0;
  double sum = 0;
  void Add(std::optional<double> v);
  std::string ToJson() const;
};

std::string DatasetStatsJson(const std::vector<PackEntry>& entries,
                             const std::map<std::string, std::string>& folders,
                             const RunCounts& run, const std::string& name,
                             const std::string& updated);

}  // namespace pix
