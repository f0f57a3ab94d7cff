#include "engines/page_parsing.h"

#include <algorithm>
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

namespace {

// Gumbo records a parse error for every element still open at the end, each
// with a copy of the open-element stack: quadratic time and memory on deeply
// nested markup (20000 unclosed divs took 28 s and 3 GB). The errors are of
// no use here, so none are recorded.
const GumboOptions& ParseOptions() {
  static const GumboOptions options = [] {
    GumboOptions o = kGumboDefaultOptions;
    o.max_errors = 0;
    return o;
  }();
  return options;
}

}  // namespace

HtmlDocument::HtmlDocument(std::string_view html)
    : too_deep_(HtmlDepthBound(html) > kMaxHtmlDepth),
      output_(too_deep_ ? gumbo_parse_with_options(&ParseOptions(), "", 0)
                        : gumbo_parse_with_options(&ParseOptions(), html.data(), html.size())) {}

size_t HtmlDepthBound(std::string_view html) {
  static constexpr std::string_view kVoid[] = {"area",  "base",   "br",    "col",  "embed",
                                               "hr",    "img",    "input", "link", "meta",
                                               "param", "source", "track", "wbr",  "!doctype"};
  size_t depth = 0, deepest = 0, pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (html.substr(pos, 3) == "!--") {
      pos = html.find("-->", pos);
      continue;
    }
    const bool closing = pos < html.size() && html[pos] == '/';
    size_t name_end = pos + closing;
    while (name_end < html.size() &&
           (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '!')) {
      ++name_end;
    }
    std::string name(html.substr(pos + closing, name_end - pos - closing));
    if (name.empty()) continue;  // "<" in text
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t tag_end = html.find('>', name_end);
    if (tag_end == std::string_view::npos) break;
    if (closing) {
      if (depth > 0) --depth;
    } else if (html[tag_end - 1] != '/' &&
               std::find(std::begin(kVoid), std::end(kVoid), name) == std::end(kVoid)) {
      deepest = std::max(deepest, ++depth);
      if (name == "script" || name == "style") {  // raw text up to the end tag
        const size_t end = html.find("</" + name, tag_end);
        if (end == std::string_view::npos) break;
        pos = end;
        continue;
      }
    }
    pos = tag_end + 1;
  }
  return deepest;
}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&ParseOptions(), output_); }

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
  return doc.too_deep() ? "" : HtmlText(doc.root());
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
