// dataset.yaml `validate:`: pix-validate's settings (ValidateOptions), read
// by this module from the section DatasetConfig keeps for it. The keys are
// documented in man/pix-dataset.5 and man/pix-validate.1; each is the long
// option's name with '_' for '-', and the option overrides the key. Errors
// are kInvalidArgument with the file, line and key. Thread-safety: reentrant.
#pragma once

#include "base/status.h"
#include "config/dataset_config.h"
#include "validate/validator.h"

namespace pix {

// The section over ValidateOptions' defaults.
Result<ValidateOptions> ParseValidateSection(const DatasetConfig& config);

}  // namespace pix
