#include "llm/answer.h"

#include <functional>

#include <simdjson.h>

namespace pix {
namespace {

constexpr std::string_view kLeftCurly = "\xE2\x80\x9C";   // “
constexpr std::string_view kRightCurly = "\xE2\x80\x9D";  // ”
// Openers tried per text: bounds the work on long answers full of brackets.
constexpr int kMaxCandidates = 64;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsBareChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '+' || c == '-' || c == '_';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view answer) {
  std::string s(Trim(answer).substr(0, 120));
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "\"" + s + (Trim(answer).size() > 120 ? "...\"" : "\"");
}

// Removes <think>...</think> blocks that reasoning models put before the
// answer (an unclosed one runs to the end).
std::string StripThinking(std::string_view text) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    const size_t open = text.find("<think>", pos);
    if (open == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const size_t close = text.find("</think>", open);
    if (close == std::string_view::npos) return out;
    pos = close + 8;
  }
  out.append(text.substr(pos));
  return out;
}

// Texts to search, best first: the insides of ``` fences, then everything.
std::vector<std::string_view> Regions(std::string_view text) {
  std::vector<std::string_view> regions;
  size_t pos = 0;
  for (;;) {
    const size_t open = text.find("```", pos);
    if (open == std::string_view::npos) break;
    size_t start = text.find('\n', open);
    if (start == std::string_view::npos) break;
    ++start;
    const size_t close = text.find("```", start);
    regions.push_back(text.substr(start, close == std::string_view::npos ? close : close - start));
    if (close == std::string_view::npos) break;
    pos = close + 3;
  }
  regions.push_back(text);
  return regions;
}

// Calls `accept` with each valid JSON value found from an opening bracket,
// best candidates first, until it returns true.
bool ForEachJson(std::string_view answer,
                 const std::function<bool(simdjson::dom::element, const std::string&)>& accept) {
  const std::string text = StripThinking(answer);
  simdjson::dom::parser parser;
  for (std::string_view region : Regions(text)) {
    int tried = 0;
    for (size_t pos = region.find_first_of("{["); pos != std::string_view::npos && tried < kMaxCandidates;
         pos = region.find_first_of("{[", pos + 1), ++tried) {
      std::string json = RepairJson(region.substr(pos));
      simdjson::dom::element root;
      if (parser.parse(json).get(root)) continue;
      if (accept(root, json)) return true;
    }
  }
  return false;
}

std::string StringOf(simdjson::dom::element e) {
  std::string_view s;
  if (!e.get(s)) return std::string(s);
  return "";
}

// A list item that is an object: its "query"-like field.
std::string ItemText(simdjson::dom::object item) {
  for (const char* key : {"query", "term", "keyword", "text", "name", "value"}) {
    simdjson::dom::element v;
    if (!item[key].get(v) && v.is_string()) return StringOf(v);
  }
  for (auto field : item) {
    if (field.value.is_string()) return StringOf(field.value);
  }
  return "";
}

void CollectStrings(simdjson::dom::element e, std::vector<std::string>* out, int depth) {
  if (depth > 3) return;
  if (e.is_array()) {
    for (simdjson::dom::element item : e.get_array()) {
      std::string s = item.is_string() ? StringOf(item)
                      : item.is_object() ? ItemText(item.get_object())
                                         : "";
      if (!s.empty()) out->push_back(std::move(s));
    }
    return;
  }
  if (!e.is_object()) return;
  simdjson::dom::object obj = e.get_object();
  for (const char* key : {"queries", "terms", "keywords", "search_queries", "results", "items"}) {
    simdjson::dom::element v;
    if (!obj[key].get(v) && v.is_array()) {
      CollectStrings(v, out, depth + 1);
      if (!out->empty()) return;
    }
  }
  for (auto field : obj) {
    CollectStrings(field.value, out, depth + 1);
    if (!out->empty()) return;
  }
}

// "- fox", "* fox", "• fox", "1. fox", "2) fox": the item text, else empty.
std::string_view ListItem(std::string_view line) {
  line = Trim(line);
  if (line.starts_with("- ") || line.starts_with("* ")) return Trim(line.substr(2));
  if (line.starts_with("\xE2\x80\xA2")) return Trim(line.substr(3));  // •
  size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      line[digits + 1] == ' ') {
    return Trim(line.substr(digits + 2));
  }
  return {};
}

std::vector<std::string> ListLines(std::string_view text) {
  std::vector<std::string> items;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = ListItem(text.substr(pos, end - pos));
    if (!item.empty() && item.back() == ',') item.remove_suffix(1);
    for (std::string_view q : {"\"", "'", "`", "**"}) {
      if (item.size() >= 2 * q.size() && item.starts_with(q) && item.ends_with(q)) {
        item = item.substr(q.size(), item.size() - 2 * q.size());
      }
    }
    if (!Trim(item).empty()) items.emplace_back(Trim(item));
    pos = end + 1;
  }
  return items;
}

}  // namespace

std::string RepairJson(std::string_view s) {
  enum class Str { kNone, kDouble, kSingle, kCurly };
  std::string out;
  std::vector<char> closers;
  Str str = Str::kNone;
  char last = 0;  // last significant character outside strings; '"' after a string
  size_t comma_at = 0;  // where the last comma went, to drop it if it trails
  // Before a value starts: a missing comma between two values is added.
  const auto value_start = [&] {
    if (!closers.empty() && (last == '"' || last == '}' || last == ']' || last == 'v')) {
      out.push_back(',');
    }
  };
  const auto drop_trailing_comma = [&] {
    if (last == ',') out.erase(comma_at, 1);
  };
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (str != Str::kNone) {
      const bool curly_close = str == Str::kCurly && s.substr(i, 3) == kRightCurly;
      if ((str == Str::kDouble && c == '"') || curly_close) {
        out.push_back('"');
        str = Str::kNone;
        last = '"';
        i += curly_close ? 3 : 1;
        continue;
      }
      if (str == Str::kSingle && c == '\'') {
        // An apostrophe ("dog's") closes nothing unless JSON syntax follows.
        size_t j = i + 1;
        while (j < s.size() && IsSpace(s[j])) ++j;
        if (j == s.size() || s[j] == ',' || s[j] == ']' || s[j] == '}' || s[j] == ':') {
          out.push_back('"');
          str = Str::kNone;
          last = '"';
          ++i;
          continue;
        }
      }
      if (c == '\\' && i + 1 < s.size()) {
        const char e = s[i + 1];
        if (e == '\'' ) {
          out.push_back('\'');
        } else if (std::string_view("\"\\/bfnrtu").find(e) != std::string_view::npos) {
          out.push_back('\\');
          out.push_back(e);
        } else {
          out.append("\\\\");
          out.push_back(e);
        }
        i += 2;
        continue;
      }
      if (c == '"') {
        out.append("\\\"");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out.append(" ");
      } else {
        out.push_back(c);
      }
      ++i;
      continue;
    }
    if (IsSpace(c)) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (s.substr(i, 2) == "//" || c == '#') {  // comment to the end of the line
      const size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl;
      continue;
    }
    if (s.substr(i, 2) == "/*") {
      const size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
      continue;
    }
    if (c == '"' || c == '\'' || s.substr(i, 3) == kLeftCurly || s.substr(i, 3) == kRightCurly) {
      value_start();
      out.push_back('"');
      str = c == '"' ? Str::kDouble : c == '\'' ? Str::kSingle : Str::kCurly;
      i += (c == '"' || c == '\'') ? 1 : 3;
      continue;
    }
    if (c == '{' || c == '[') {
      value_start();
      out.push_back(c);
      closers.push_back(c == '{' ? '}' : ']');
      last = c;
      ++i;
      continue;
    }
    if (c == '}' || c == ']') {
      drop_trailing_comma();
      bool known = false;
      for (char k : closers) known = known || k == c;
      if (known) {
        if (last == ':') out.append("null");
        while (closers.back() != c) {  // close what the model forgot to close
          out.push_back(closers.back());
          closers.pop_back();
        }
        out.push_back(c);
        closers.pop_back();
        last = c;
        if (closers.empty()) return out;  // the first value is complete
      }
      ++i;
      continue;
    }
    if (c == ',') {
      if (last != ',' && last != '[' && last != '{' && last != ':') {
        comma_at = out.size();
        out.push_back(',');
        last = ',';
      }
      ++i;
      continue;
    }
    if (c == ':') {
      out.push_back(':');
      last = ':';
      ++i;
      continue;
    }
    if (IsBareChar(c)) {
      size_t j = i;
      while (j < s.size() && IsBareChar(s[j])) ++j;
      const std::string_view word = s.substr(i, j - i);
      value_start();
      if (word == "True") {
        out.append("true");
      } else if (word == "False") {
        out.append("false");
      } else if (word == "None") {
        out.append("null");
      } else {
        out.append(word);
      }
      last = 'v';
      i = j;
      continue;
    }
    out.push_back(c);  // anything else: left for the parser to reject
    ++i;
  }
  // Cut off (token limit): close the open string and containers.
  if (str != Str::kNone) {
    out.push_back('"');
    last = '"';
  }
  if (last == ':') out.append("null");
  drop_trailing_comma();
  while (!closers.empty()) {
    out.push_back(closers.back());
    closers.pop_back();
  }
  return out;
}

Result<std::string> ExtractJson(std::string_view answer) {
  std::string found;
  const bool ok = ForEachJson(answer, [&](simdjson::dom::element root, const std::string& json) {
    if (!root.is_object() && !root.is_array()) return false;
    found = json;
    return true;
  });
  if (!ok) return Status::Corruption("no JSON object or array in the answer " + Quote(answer));
  return found;
}

Result<std::vector<std::string>> ParseStringList(std::string_view answer) {
  std::vector<std::string> items;
  const bool ok = ForEachJson(answer, [&](simdjson::dom::element root, const std::string&) {
    CollectStrings(root, &items, 0);
    return !items.empty();
  });
  if (ok) return items;
  items = ListLines(StripThinking(answer));
  if (!items.empty()) return items;
  return Status::Corruption("no list of strings in the answer " + Quote(answer));
}

}  // namespace pix
