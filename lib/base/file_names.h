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

}  // namespace pix
