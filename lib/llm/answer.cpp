#include "llm/answer.h"

#include <simdjson.h>

#include <algorithm>
#include <functional>

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
    for (size_t pos = region.find_first_of("{[");
         pos != std::string_view::npos && tried < kMaxCandidates;
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
      std::string s = item.is_string()   ? StringOf(item)
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

namespace {

// The state RepairJson() carries through the text: one method per kind of
// token, each taking the token at `i` and returning where the next starts.
class JsonRepairer {
 public:
  explicit JsonRepairer(std::string_view s) : s_(s) {}
  std::string Run();

 private:
  enum class Str { kNone, kDouble, kSingle, kCurly };

  size_t InString(size_t i);
  size_t CloseString(size_t i, size_t length);
  size_t Escape(size_t i);
  size_t SkipComment(size_t i) const;  // `i` itself when no comment starts there
  size_t OpenString(size_t i);
  size_t Open(size_t i);
  size_t Close(size_t i, bool* complete);
  size_t Comma(size_t i);
  size_t Bare(size_t i);
  // Before a value starts: a missing comma between two values is added.
  void ValueStart();
  void DropTrailingComma();
  // Cut off (token limit): close the open string and containers.
  void Finish();

  std::string_view s_;
  std::string out_;
  std::vector<char> closers_;
  Str str_ = Str::kNone;
  char last_ = 0;          // last significant character outside strings; '"' after a string
  size_t comma_at_ = 0;    // where the last comma went, to drop it if it trails
  char before_comma_ = 0;  // last_ before that comma, restored when it is dropped
};

std::string JsonRepairer::Run() {
  size_t i = 0;
  while (i < s_.size()) {
    const char c = s_[i];
    if (str_ != Str::kNone) {
      i = InString(i);
    } else if (IsSpace(c)) {
      out_.push_back(c);
      ++i;
    } else if (const size_t after = SkipComment(i); after != i) {
      i = after;
    } else if (c == '"' || c == '\'' || s_.substr(i, 3) == kLeftCurly ||
               s_.substr(i, 3) == kRightCurly) {
      i = OpenString(i);
    } else if (c == '{' || c == '[') {
      i = Open(i);
    } else if (c == '}' || c == ']') {
      bool complete = false;
      i = Close(i, &complete);
      if (complete) return out_;  // the first value is complete
    } else if (c == ',') {
      i = Comma(i);
    } else if (c == ':') {
      out_.push_back(':');
      last_ = ':';
      ++i;
    } else if (IsBareChar(c)) {
      i = Bare(i);
    } else {
      out_.push_back(c);  // anything else: left for the parser to reject
      ++i;
    }
  }
  Finish();
  return out_;
}

size_t JsonRepairer::InString(size_t i) {
  const char c = s_[i];
  if (str_ == Str::kDouble && c == '"') return CloseString(i, 1);
  if (str_ == Str::kCurly && s_.substr(i, 3) == kRightCurly) return CloseString(i, 3);
  if (str_ == Str::kSingle && c == '\'') {
    // An apostrophe ("dog's") closes nothing unless JSON syntax follows.
    size_t j = i + 1;
    while (j < s_.size() && IsSpace(s_[j])) ++j;
    if (j == s_.size() || s_[j] == ',' || s_[j] == ']' || s_[j] == '}' || s_[j] == ':') {
      return CloseString(i, 1);
    }
  }
  if (c == '\\' && i + 1 < s_.size()) return Escape(i);
  if (c == '"') {
    out_.append("\\\"");
  } else if (c == '\n') {
    out_.append("\\n");
  } else if (c == '\t') {
    out_.append("\\t");
  } else if (static_cast<unsigned char>(c) < 0x20) {
    out_.append(" ");
  } else {
    out_.push_back(c);
  }
  return i + 1;
}

size_t JsonRepairer::CloseString(size_t i, size_t length) {
  out_.push_back('"');
  str_ = Str::kNone;
  last_ = '"';
  return i + length;
}

size_t JsonRepairer::Escape(size_t i) {
  const char e = s_[i + 1];
  if (e == '\'') {
    out_.push_back('\'');
  } else if (std::string_view("\"\\/bfnrtu").find(e) != std::string_view::npos) {
    out_.push_back('\\');
    out_.push_back(e);
  } else {
    out_.append("\\\\");
    out_.push_back(e);
  }
  return i + 2;
}

size_t JsonRepairer::SkipComment(size_t i) const {
  if (s_.substr(i, 2) == "//" || s_[i] == '#') {  // to the end of the line
    const size_t nl = s_.find('\n', i);
    return nl == std::string_view::npos ? s_.size() : nl;
  }
  if (s_.substr(i, 2) == "/*") {
    const size_t end = s_.find("*/", i + 2);
    return end == std::string_view::npos ? s_.size() : end + 2;
  }
  return i;
}

size_t JsonRepairer::OpenString(size_t i) {
  const char c = s_[i];
  ValueStart();
  out_.push_back('"');
  str_ = c == '"' ? Str::kDouble : c == '\'' ? Str::kSingle : Str::kCurly;
  return i + ((c == '"' || c == '\'') ? 1 : 3);
}

size_t JsonRepairer::Open(size_t i) {
  const char c = s_[i];
  ValueStart();
  out_.push_back(c);
  closers_.push_back(c == '{' ? '}' : ']');
  last_ = c;
  return i + 1;
}

size_t JsonRepairer::Close(size_t i, bool* complete) {
  const char c = s_[i];
  DropTrailingComma();
  if (std::find(closers_.begin(), closers_.end(), c) == closers_.end()) return i + 1;  // stray
  if (last_ == ':') out_.append("null");
  while (closers_.back() != c) {  // close what the model forgot to close
    out_.push_back(closers_.back());
    closers_.pop_back();
  }
  out_.push_back(c);
  closers_.pop_back();
  last_ = c;
  *complete = closers_.empty();
  return i + 1;
}

size_t JsonRepairer::Comma(size_t i) {
  if (last_ != ',' && last_ != '[' && last_ != '{' && last_ != ':') {
    comma_at_ = out_.size();
    before_comma_ = last_;
    out_.push_back(',');
    last_ = ',';
  }
  return i + 1;
}

size_t JsonRepairer::Bare(size_t i) {
  size_t j = i;
  while (j < s_.size() && IsBareChar(s_[j])) ++j;
  const std::string_view word = s_.substr(i, j - i);
  ValueStart();
  if (word == "True") {
    out_.append("true");
  } else if (word == "False") {
    out_.append("false");
  } else if (word == "None") {
    out_.append("null");
  } else {
    out_.append(word);
  }
  last_ = 'v';
  return j;
}

void JsonRepairer::ValueStart() {
  if (!closers_.empty() && (last_ == '"' || last_ == '}' || last_ == ']' || last_ == 'v')) {
    out_.push_back(',');
  }
}

void JsonRepairer::DropTrailingComma() {
  if (last_ != ',') return;
  out_.erase(comma_at_, 1);
  last_ = before_comma_;
}

void JsonRepairer::Finish() {
  if (str_ != Str::kNone) {
    out_.push_back('"');
    last_ = '"';
  }
  if (last_ == ':') out_.append("null");
  DropTrailingComma();
  while (!closers_.empty()) {
    out_.push_back(closers_.back());
    closers_.pop_back();
  }
}

}  // namespace

std::string RepairJson(std::string_view s) { return JsonRepairer(s).Run(); }

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
