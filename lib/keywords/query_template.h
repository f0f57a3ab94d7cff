// Query templates: patterns such as "{label} photo" that turn one label (or
// one of its extra terms) into several search queries.
//
// The only placeholder is {label}; "{{" and "}}" stand for literal braces.
// CheckQueryTemplate() rejects anything else so that a typo such as
// "{lable} photo" fails when the configuration is read instead of sending the
// braces to a search engine. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

// The templates used when the user configures none. They ask for photographs
// (what a dataset of real images wants) and for framings that engines rank
// differently, so each adds results the bare label does not find.
const std::vector<std::string>& DefaultQueryTemplates();
// The templates widening step `step` (1, 2, ...) adds to a run that needs
// more queries (--widen); empty past the last step.
const std::vector<std::string>& WiderQueryTemplates(int step);

// OK when `pattern` has at least one {label} and no other placeholder.
Status CheckQueryTemplate(std::string_view pattern);

// Replaces each {label} with `term`. REQUIRES: CheckQueryTemplate(pattern).ok()
std::string ApplyQueryTemplate(std::string_view pattern, std::string_view term);

}  // namespace pix
