// dataset.yaml `search:`: pix-search's settings (SearchOptions), read by this
// module from the section DatasetConfig keeps for it. The keys are documented
// in man/pix-dataset.5 and man/pix-search.1. Engine API keys are named by
// `engine_options.ENGINE.api_key_env` and read by the tool, never written in
// the file. Errors are kInvalidArgument with the file, line and key.
// Thread-safety: reentrant.
#pragma once

#include "base/status.h"
#include "config/dataset_config.h"
#include "engines/search_stage.h"

namespace pix {

// The section over SearchOptions' defaults.
Result<SearchOptions> ParseSearchSection(const DatasetConfig& config);

}  // namespace pix
