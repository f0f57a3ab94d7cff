// DatasetClass: one class of a dataset, as dataset.yaml's `classes:` list
// describes it. Every stage that cares about classes reads this struct (the
// label is the class name everywhere); per-class settings of one stage are
// fields named after that stage's concern. Thread-safety: a value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pix {

struct DatasetClass {
  // The class name, written into every record's "label".
  std::string label;
  // pix-keywords: more names for the class ("polar fox" for "arctic fox");
  // each becomes a query and is expanded with the templates like the label.
  std::vector<std::string> extra_terms;
  // pix-keywords: terms the images must not be about ("cartoon"). Queries
  // get "-term" (engines read it as "without"), and expansions that contain
  // a negative term are dropped.
  std::vector<std::string> negative_terms;
  // pix-keywords: which WordNet sense this label means (1-based, or 0 for
  // the automatic choice); unset uses the run's --wordnet-sense.
  std::optional<int> wordnet_sense;
  // Where the class was defined (dataset.yaml line, 1-based; 0 if not from a file).
  int line = 0;
};

// The class whose label equals `label` with case and spaces folded, or nullptr.
const DatasetClass* FindDatasetClass(const std::vector<DatasetClass>& classes,
                                     std::string_view label);

}  // namespace pix
