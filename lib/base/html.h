// Escaping text for HTML, for the self-contained pages the tools write
// (pix-pack's report.html, pix-run's status page). Thread-safety: a pure
// function.
#pragma once

#include <string>
#include <string_view>

namespace pix {

// `text` with &, <, >, " and ' replaced by character references, safe in
// element content and in quoted attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace pix
