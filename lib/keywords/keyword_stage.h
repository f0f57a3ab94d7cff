// RunKeywords: the pix-keywords stage loop over KeywordExpander.
//
// Labels come either from input records ({"label": ...}; every other field
// is copied onto each query record) or from a fixed list (--keyword flags,
// dataset.yaml's classes), in which case no input is read. Each label gives
// one record per query with "query" and "query_source" added. The settings
// of a label (extra terms, negative terms, WordNet sense) come from the
// matching class in `classes`, and from "extra_terms"/"negative_terms"
// arrays in the input record itself.
//
// Failures stay visible as records (stage "keywords"): a record without a
// label string (missing_label), a label that ended with no query at all
// (no_queries), and a failed model request (the llm_* codes of llm/chat.h;
// the label's other queries are still written, followed by one error
// record). Records that arrive with an error pass through. Returns the
// process exit code (StageIo::Finish). Not thread-safe.
#pragma once

#include <vector>

#include "config/dataset_class.h"
#include "jsonl/stage_io.h"
#include "keywords/keyword_expander.h"

namespace pix {

struct KeywordSources {
  // When true, expand `labels` and read no input.
  bool fixed = false;
  std::vector<DatasetClass> labels;
  // Per-label settings for labels read from records (dataset.yaml classes).
  std::vector<DatasetClass> classes;
};

int RunKeywords(KeywordExpander& expander, const KeywordSources& sources, StageIo& io);

}  // namespace pix
