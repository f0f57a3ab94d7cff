// The dataset.yaml sections pix-run reads for the stages it drives and for
// itself: `targets`, `network` (the stages that go on the network),
// `download` (pix-fetch), `validation` (pix-validate), `dedup` (pix-dedup),
// `labelling` (pix-label) and `output` (where the dataset and its job store
// go, and pix-pack's flags).
//
// The stage sections do not copy the tools' defaults: a key that is set
// becomes the tool's flag (`download.per_host: 4` -> `pix-fetch --per-host 4`),
// a key that is absent leaves the tool's own default, documented in its man
// page. So a section can never drift from its tool. Each section also takes
// `extra_args`, a list of flags passed as they are, for the flags the section
// does not name. The key tables live in stage_flag_sections.cpp.
//
// Paths in these sections are kept as written; pix-run resolves relative ones
// against the directory of dataset.yaml. Thread-safety: values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pix {

// Flags for one stage tool, in the order the keys are listed in its table.
struct StageFlags {
  std::vector<std::string> args;
};

struct TargetsConfig {
  // Valid, unique images wanted per class; 0: no target (take what is found).
  size_t images_per_class = 0;
  // The most search rounds pix-run runs to reach the target: each round
  // after the first searches the classes still short again, deeper (twice
  // the results per query, every engine). 1: search once.
  size_t rounds = 4;
};

struct DedupRunConfig {
  StageFlags flags;
  // The cross-run index (pix-dedup --index ... --index-update); empty: none.
  std::string index;
};

struct OutputConfig {
  // The dataset directory; empty: the dataset's name next to dataset.yaml.
  std::string dir;
  // The job store; empty: DIR/.pix-run/jobs.sqlite.
  std::string store;
  // pix-pack's flags (split, tier, resize, ...).
  StageFlags pack;
};

}  // namespace pix
