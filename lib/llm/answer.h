// Reading structured data out of a language model's answer text.
//
// Models asked for JSON often answer with something near it: the JSON inside
// prose ("Sure! Here are ..."), inside a ``` code fence, after a <think>
// block, or slightly malformed (trailing commas, single quotes, Python's
// True/None, comments, missing commas between items, curly quotes, or cut
// off by the token limit). ExtractJson() finds the first JSON object or array
// in such text and repairs those faults; what it returns is valid JSON.
// ParseStringList() reads a list of strings from an answer, whatever shape
// the model chose (an array, an object holding an array, objects with a
// "query" field), and falls back to a bulleted or numbered list when there
// is no JSON at all.
//
// Failure: kCorruption with a short quote of the answer when nothing usable
// is found. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

// The first JSON object or array in `answer`, repaired where needed.
Result<std::string> ExtractJson(std::string_view answer);

// Repairs the common faults listed above in one JSON candidate text. The
// result is not guaranteed to be valid JSON; ExtractJson() checks it.
std::string RepairJson(std::string_view text);

// The strings of a list in `answer` (see above), in order, untrimmed.
Result<std::vector<std::string>> ParseStringList(std::string_view answer);

}  // namespace pix
