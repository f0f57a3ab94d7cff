// dataset.yaml `keywords:`: pix-keywords' settings (KeywordOptions), read by
// this module from the section DatasetConfig keeps for it. The keys are
// documented in man/pix-dataset.5. Errors are kInvalidArgument with the
// file, line and key. Thread-safety: reentrant.
#pragma once

#include "base/status.h"
#include "config/dataset_config.h"
#include "keywords/keyword_options.h"

namespace pix {

// The section over KeywordOptions' defaults; its llm.client starts as a copy
// of the file's `llm:`.
Result<KeywordOptions> ParseKeywordsSection(const DatasetConfig& config);

}  // namespace pix
