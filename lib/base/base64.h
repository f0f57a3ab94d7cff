// Base64 (RFC 4648, the standard alphabet with '=' padding, no line breaks),
// for images sent inside JSON (the chat APIs' image parts) and HTML (data:
// URLs in pix-pack's report). Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace pix {

// The base64 text of `bytes`.
std::string Base64Encode(std::string_view bytes);

}  // namespace pix
