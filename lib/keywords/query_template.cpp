#include "keywords/query_template.h"

namespace pix {
namespace {

constexpr std::string_view kPlaceholder = "{label}";

// Walks `pattern`, handing literal text and placeholders to the callbacks.
// Returns an error for an unknown placeholder or an unmatched brace.
template <typename LiteralFn, typename PlaceholderFn>
Status Walk(std::string_view pattern, LiteralFn literal, PlaceholderFn placeholder) {
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      literal(std::string_view(&pattern[i], 1));
      i += 2;
      continue;
    }
    if (c == '{') {
      if (pattern.substr(i, kPlaceholder.size()) != kPlaceholder) {
        const size_t close = pattern.find('}', i);
        if (close == std::string_view::npos) {
          return Status::InvalidArgument("template \"" + std::string(pattern) +
                                         "\": unmatched '{' (write {{ for a literal brace)");
        }
        return Status::InvalidArgument(
            "template \"" + std::string(pattern) + "\": unknown placeholder " +
            std::string(pattern.substr(i, close - i + 1)) + " (the only one is {label})");
      }
      placeholder();
      i += kPlaceholder.size();
      continue;
    }
    if (c == '}') {
      return Status::InvalidArgument("template \"" + std::string(pattern) +
                                     "\": unmatched '}' (write }} for a literal brace)");
    }
    const size_t next = pattern.find_first_of("{}", i);
    const size_t end = next == std::string_view::npos ? pattern.size() : next;
    literal(pattern.substr(i, end - i));
    i = end;
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& DefaultQueryTemplates() {
  static const std::vector<std::string> templates = {
      "{label} photo",
      "{label} close-up",
      "{label} high resolution",
  };
  return templates;
}

const std::vector<std::string>& WiderQueryTemplates(int step) {
  // Each step asks the engines in words the earlier ones did not use: first
  // the other names for a picture, then settings and views.
  static const std::vector<std::vector<std::string>> steps = {
      {"{label} picture", "{label} image", "{label} photography"},
      {"{label} outdoors", "{label} in its natural setting", "{label} side view"},
      {"{label} stock photo", "{label} real life", "{label} example"},
  };
  static const std::vector<std::string> none;
  return step >= 1 && step <= static_cast<int>(steps.size()) ? steps[step - 1] : none;
}

Status CheckQueryTemplate(std::string_view pattern) {
  int placeholders = 0;
  PIX_RETURN_IF_ERROR(Walk(
      pattern, [](std::string_view) {}, [&] { ++placeholders; }));
  if (placeholders == 0) {
    return Status::InvalidArgument("template \"" + std::string(pattern) +
                                   "\" has no {label} placeholder");
  }
  return Status::Ok();
}

std::string ApplyQueryTemplate(std::string_view pattern, std::string_view term) {
  std::string out;
  Status walked = Walk(
      pattern, [&](std::string_view text) { out.append(text); }, [&] { out.append(term); });
  (void)walked;  // checked by CheckQueryTemplate() when the template was accepted
  return out;
}

}  // namespace pix
