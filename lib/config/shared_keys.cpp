#include "config/shared_keys.h"

#include <string>

#include "text/wordnet.h"

namespace pix {

Status GetWordNetSense(const YamlMap& s, std::string_view key, int* sense) {
  std::string text;
  PIX_RETURN_IF_ERROR(s.Get(key, &text));
  if (text.empty()) return Status::Ok();
  auto parsed = ParseWordNetSense(text);
  if (!parsed.ok()) return s.Error(s.Node(key), key, parsed.status().message());
  *sense = *parsed;
  return Status::Ok();
}

}  // namespace pix
