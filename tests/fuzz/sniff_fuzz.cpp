// libFuzzer target: content sniffing and file-name sanitising on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/file_names.h"
#include "image/sniff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)pix::MimeType(pix::SniffKind(bytes));
  const std::string name = pix::SanitizeFileName(bytes);
  if (name.empty() || name.size() > pix::kMaxFileNameBytes || name == "." || name == ".." ||
      name.find('/') != std::string::npos || pix::SanitizeFileName(name) != name) {
    __builtin_trap();
  }
  return 0;
}
