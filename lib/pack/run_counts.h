// RunCounts: what one pix-pack run saw in its input and did with it; the
// pipeline's counts that metadata.json and the report publish.
//
// Count() reads the fields every stage leaves on a record, so the counts
// describe the whole pipeline, not only this stage: how many records were
// found, how many downloaded, failed (by stage/code), invalid (by reject
// reason), duplicates, dropped and relabelled (pix-label moved the image to
// another label: `label_evidence.original_label` differs from `label`).
// Thread-safety: a value, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "jsonl/json_text.h"
#include "jsonl/record.h"

namespace pix {

struct RunCounts {
  uint64_t found = 0;    // records read
  uint64_t fetched = 0;  // records with a downloaded file (sha256 or path)
  uint64_t duplicates = 0;
  uint64_t dropped = 0;
  uint64_t relabelled = 0;
  std::map<std::string, uint64_t> failed;   // "stage/code" -> records
  std::map<std::string, uint64_t> invalid;  // reject reason -> records
  // What this run did.
  uint64_t packed = 0;                       // new images added
  uint64_t already_present = 0;              // recognised by sha256, left as they were
  std::map<std::string, uint64_t> rejected;  // admission reason -> records
  uint64_t faults = 0;                       // missing_file + changed_file

  // Adds one input record's pipeline facts.
  void Count(const Record& record);
  // The counts as a JSON object.
  std::string ToJson() const;
};

// Appends `key`: {name: count, ...} to an open JSON object.
void AddCountsJson(JsonBuilder& j, std::string_view key, const std::map<std::string, uint64_t>& m);

}  // namespace pix
