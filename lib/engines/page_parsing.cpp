#include "engines/page_parsing.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace pix {

Result<JsonElement> ParseJson(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  JsonElement root;
  if (auto error = parser.parse(body.data(), body.size()).get(root)) {
    return Status::Corruption(std::string("not JSON: ") + simdjson::error_message(error));
  }
  return root;
}

std::optional<JsonElement> JsonField(const JsonElement& object, std::string_view key) {
  JsonElement value;
  if (!object.is_object() || object[key].get(value)) return std::nullopt;
  return value;
}

std::string JsonString(const JsonElement& object, std::string_view key) {
  auto value = JsonField(object, key);
  if (!value) return "";
  std::string_view s;
  if (!value->get(s)) return std::string(s);
  int64_t i;
  if (!value->get(i)) return std::to_string(i);
  return "";
}

int64_t JsonInt(const JsonElement& object, std::string_view key, int64_t fallback) {
  auto value = JsonField(object, key);
  if (!value) return fallback;
  int64_t i;
  if (!value->get(i)) return i;
  double d;
  if (!value->get(d) && std::isfinite(d) && std::fabs(d) < 9e18) return static_cast<int64_t>(d);
  std::string_view s;
  if (!value->get(s)) {
    int64_t parsed;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && end == s.data() + s.size()) return parsed;
  }
  return fallback;
}

bool JsonIsArray(const JsonElement& e) { return e.is_array(); }
bool JsonIsObject(const JsonElement& e) { return e.is_object(); }

HtmlDocument::HtmlDocument(std::string_view html)
    : output_(gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size())) {}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

const GumboNode* HtmlDocument::root() const { return output_->root; }

void HtmlDocument::ForEachElement(const std::function<void(const GumboNode*)>& fn,
                                  const GumboNode* from) const {
  // Iterative walk: hostile pages nest deeply enough to overflow a recursion.
  std::vector<const GumboNode*> stack{from ? from : output_->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    if (node != from) fn(node);
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
}

std::string_view HtmlAttribute(const GumboNode* element, const char* name) {
  if (element->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* a = gumbo_get_attribute(&element->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

bool HtmlHasAttribute(const GumboNode* element, const char* name) {
  return element->type == GUMBO_NODE_ELEMENT &&
         gumbo_get_attribute(&element->v.element.attributes, name) != nullptr;
}

bool HtmlHasClass(const GumboNode* element, std::string_view name) {
  std::string_view classes = HtmlAttribute(element, "class");
  while (!classes.empty()) {
    while (!classes.empty() && std::isspace(static_cast<unsigned char>(classes.front()))) {
      classes.remove_prefix(1);
    }
    size_t end = 0;
    while (end < classes.size() && !std::isspace(static_cast<unsigned char>(classes[end]))) ++end;
    if (classes.substr(0, end) == name) return true;
    classes.remove_prefix(end);
  }
  return false;
}

bool HtmlIsTag(const GumboNode* element, GumboTag tag) {
  return element->type == GUMBO_NODE_ELEMENT && element->v.element.tag == tag;
}

namespace {

std::string CollapseWhitespace(std::string_view raw) {
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string HtmlText(const GumboNode* node) {
  std::string raw;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      raw += n->v.text.text;
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (n->type == GUMBO_NODE_ELEMENT &&
        (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE)) {
      continue;
    }
    const GumboVector& children =
        n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return CollapseWhitespace(raw);
}

std::string HtmlToText(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) return CollapseWhitespace(html);
  HtmlDocument doc(html);
  return HtmlText(doc.root());
}

std::string FileTypeFromMime(std::string_view mime) {
  if (mime.substr(0, 6) != "image/") return "";
  std::string f(mime.substr(6));
  if (f == "jpeg" || f == "pjpeg") f = "jpg";
  if (f == "svg+xml") f = "svg";
  if (f == "tiff") f = "tif";
  return f;
}

}  // namespace pix
