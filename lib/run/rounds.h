// Search rounds: how pix-run keeps going until each class reaches
// `targets.images_per_class` valid, unique images.
//
// Round 1 is the pipeline as planned. When dedup has finished a round, each
// class's unique images are counted against the target. A class still short
// is searched again in the next round, deeper: more queries (pix-keywords
// runs again for the short classes, widened one step further each round: more
// templates, WordNet deeper, more model queries), twice the results per query
// of the round before, from every engine instead of the first that answers.
// Only the new URLs are downloaded (fetch and validate skip what they have
// answered); dedup runs again over everything. A class stops when it reaches
// the target, when a round found no URL it had not found before (its sources
// are exhausted), or after `targets.rounds` rounds; label and pack run once,
// after the last round. Each round's end is a row per class in the job
// store's `rounds` table, so a resumed job knows its round and its classes.
//
// Pure functions over the store's rows; no I/O. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "run/job_store.h"

namespace pix {

struct RoundState {
  int round = 1;                  // the round the job is in
  std::set<std::string> classes;  // the classes it searches; empty: all (round 1)
  bool ended = false;             // its end is recorded and no round follows
};

// Where a job stands, from its `rounds` rows (in round order).
RoundState CurrentRound(const std::vector<RoundRow>& rows);

// Counts a round ends with, per class label.
struct RoundCounts {
  std::map<std::string, int64_t> found;   // search's URLs, all rounds so far
  std::map<std::string, int64_t> unique;  // dedup's kept images
};

// The rows that end `state.round` for `labels` (dataset.yaml's classes),
// deciding which classes the next round searches. `earlier` holds the rows
// of the rounds before.
std::vector<RoundRow> EndRound(const RoundState& state, const std::vector<std::string>& labels,
                               const RoundCounts& counts, const std::vector<RoundRow>& earlier,
                               size_t target, size_t max_rounds);

// The flags round `round` adds to pix-search's command line; `base_max` is
// the results per query of round 1 (dataset.yaml's search.max).
std::vector<std::string> RoundSearchArgs(int round, size_t base_max);

// The flags round `round` adds to pix-keywords' command line: --widen and
// the classes it searches (-k LABEL each), so only they are expanded again.
std::vector<std::string> RoundKeywordArgs(const RoundState& state);

}  // namespace pix
