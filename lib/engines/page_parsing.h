// What the engine parsers share: a JSON body parser that tolerates the type
// drift real APIs show (numbers sent as strings and back), and a small layer
// over gumbo for HTML result pages (gumbo decodes entities in text and
// attributes, so `m="{&quot;murl&quot;...}"` arrives as plain JSON).
//
// Failure modes: ParseJson fails with a message on malformed JSON; HTML
// never fails (gumbo, like a browser, makes a tree of anything). Thread-safety:
// ParseJson uses one parser per thread, and its element stays valid until the
// thread's next ParseJson call.
#pragma once

#include <gumbo.h>
#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pix {

using JsonElement = simdjson::dom::element;

// Parses a whole body. The element lives until this thread's next call.
Result<JsonElement> ParseJson(std::string_view body);

// Field access that never throws. A missing field or a value of another type
// gives the fallback; JsonInt also reads integers sent as strings ("1297")
// and doubles; JsonString also gives integers as text.
std::optional<JsonElement> JsonField(const JsonElement& object, std::string_view key);
std::string JsonString(const JsonElement& object, std::string_view key);
int64_t JsonInt(const JsonElement& object, std::string_view key, int64_t fallback = 0);
bool JsonIsArray(const JsonElement& e);
bool JsonIsObject(const JsonElement& e);

// A parsed HTML document (or fragment: gumbo adds the missing html/body).
// Gumbo's time grows with the square of the nesting depth (20000 unclosed
// divs take a second, 300000 take minutes), so markup nested deeper than
// kMaxHtmlDepth by a linear pre-scan is not parsed: the document is empty and
// too_deep() says why.
class HtmlDocument {
 public:
  static constexpr size_t kMaxHtmlDepth = 1000;

  explicit HtmlDocument(std::string_view html);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  const GumboNode* root() const;
  bool too_deep() const { return too_deep_; }
  // Calls `fn` on every element below `from` (or the root), in document order.
  void ForEachElement(const std::function<void(const GumboNode*)>& fn,
                      const GumboNode* from = nullptr) const;

 private:
  bool too_deep_;
  GumboOutput* output_;
};

// An upper bound of the element nesting depth of `html`: start tags minus
// end tags, not counting void and self-closed elements, comments, or markup
// inside script and style. Linear; no tree is built.
size_t HtmlDepthBound(std::string_view html);

// An attribute's (entity-decoded) value; empty when absent.
std::string_view HtmlAttribute(const GumboNode* element, const char* name);
bool HtmlHasAttribute(const GumboNode* element, const char* name);
// Whether the class attribute lists `name` as one of its words.
bool HtmlHasClass(const GumboNode* element, std::string_view name);
bool HtmlIsTag(const GumboNode* element, GumboTag tag);
// The text below a node, whitespace runs collapsed to one space and trimmed.
std::string HtmlText(const GumboNode* node);
// The text of an HTML snippet ("<a href=...>Jane</a> from Qatar" -> "Jane from Qatar").
std::string HtmlToText(std::string_view html);

// The file type a MIME type names: "image/jpeg" -> "jpg", "image/svg+xml" ->
// "svg", "image/png" -> "png"; empty for anything not image/*.
std::string FileTypeFromMime(std::string_view mime);

}  // namespace pix
