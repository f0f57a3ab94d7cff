// Safe file and directory names from untrusted text (labels, URLs, titles).
//
// SanitizeFileName() returns one path component that is safe on Linux, macOS
// and Windows: no '/', '\\', NUL or control characters, none of <>:"|?*, not
// "." or "..", no leading or trailing dots or spaces, no reserved Windows
// device name (CON, NUL, COM1, ...), valid UTF-8, at most 255 bytes. A name
// that had to be shortened ends in '~' and 8 hex digits of a hash of the
// original, so different long names stay different. The function is
// idempotent: sanitising a sanitised name returns it unchanged.
#pragma once

#include <string>
#include <string_view>

namespace pix {

inline constexpr size_t kMaxFileNameBytes = 255;

std::string SanitizeFileName(std::string_view name);

// Whether `name` is already what SanitizeFileName would return.
bool IsSafeFileName(std::string_view name);

// The directory name for a record's label: injective and stable, so two
// different labels never share a folder and a label keeps its folder from
// run to run. A label that is a safe name already is its own folder
// ("red fox"); any other gets its SanitizeFileName() form followed by "~" and
// 12 hex digits of the SHA-256 of the label ("." -> "_~cdb4ee2aea69",
// ".." -> "_~5ec1f7e700f3", "a/b" -> "a_b~c14cddc033f6"). So do safe labels that
// already end in "~" and 12 hex digits, so that no safe label can spell
// another label's folder. Two labels share a folder only if their SHA-256
// prefixes collide.
std::string LabelDirName(std::string_view label);

}  // namespace pix
