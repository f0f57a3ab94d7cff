#include "jsonl/record.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "jsonl/fields.h"
#include "jsonl/json_text.h"

namespace pix {

struct RecordParser::Impl {
  simdjson::dom::parser parser;
};

RecordParser::RecordParser() : impl_(std::make_unique<Impl>()) {}
RecordParser::~RecordParser() = default;

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// REQUIRES: s[i] == '"' and the text is valid JSON. Returns the index just
// past the closing quote; sets *escaped when the string has a backslash.
// memchr finds the candidate quote; the backslashes right before it say
// whether it is escaped (an odd run escapes it).
size_t SkipString(std::string_view s, size_t i, bool* escaped = nullptr) {
  const char* const data = s.data();
  const size_t start = ++i;
  while (i < s.size()) {
    const void* q = std::memchr(data + i, '"', s.size() - i);
    if (!q) break;
    const size_t j = static_cast<size_t>(static_cast<const char*>(q) - data);
    size_t k = j;
    while (k > start && data[k - 1] == '\\') --k;
    if (escaped && !*escaped && std::memchr(data + start, '\\', j - start)) *escaped = true;
    if ((j - k) % 2 == 0) return j + 1;
    i = j + 1;
  }
  return s.size();
}

// REQUIRES: a valid JSON value starts at i. Returns the index just past it.
size_t SkipValue(std::string_view s, size_t i) {
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = SkipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !IsSpace(s[i])) ++i;
  return i;
}

// The key as text, unescaped when it has escapes.
std::string PlainKey(std::string_view escaped) {
  if (escaped.find('\\') == std::string_view::npos) return std::string(escaped);
  auto unescaped = UnescapeJsonString(escaped);
  return unescaped.ok() ? *unescaped : std::string(escaped);
}

// The first key that appears twice among `keys` (escaped as in the text),
// nullopt when all differ. Pairwise for the usual few dozen keys without
// escapes, sorted otherwise so that a hostile line of 100,000 keys costs
// n log n.
std::optional<std::string> DuplicateKey(const std::vector<std::string_view>& keys, bool escaped) {
  constexpr size_t kPairwiseUpTo = 48;
  if (!escaped && keys.size() <= kPairwiseUpTo) {
    for (size_t a = 1; a < keys.size(); ++a) {
      for (size_t b = 0; b < a; ++b) {
        if (keys[a] == keys[b]) return std::string(keys[a]);
      }
    }
    return std::nullopt;
  }
  std::vector<std::string> plain;
  plain.reserve(keys.size());
  for (std::string_view k : keys) plain.push_back(PlainKey(k));
  std::sort(plain.begin(), plain.end());
  auto dup = std::adjacent_find(plain.begin(), plain.end());
  if (dup == plain.end()) return std::nullopt;
  return *dup;
}

// Compares a key written with escapes with a plain key (rare: kept out of
// KeyIs() so that stays small enough to inline).
[[gnu::noinline]] bool EscapedKeyIs(std::string_view escaped, std::string_view key) {
  auto unescaped = UnescapeJsonString(escaped);
  return unescaped.ok() && *unescaped == key;
}

}  // namespace

Result<Record> Record::Parse(std::string_view line, RecordParser& parser) {
  if (line.size() > UINT32_MAX / 2) return Status::LimitExceeded("line too long");
  // The record's own copy of the line, with the padding simdjson reads past
  // its end, is what simdjson parses: one copy of the line, not two.
  Record record;
  record.text_.reserve(line.size() + simdjson::SIMDJSON_PADDING);
  record.text_.assign(line);
  simdjson::dom::element root;
  auto error =
      parser.impl_->parser.parse(record.text_.data(), record.text_.size(), false).get(root);
  if (error)
    return Status::Corruption(std::string("invalid JSON: ") + simdjson::error_message(error));
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    return Status::Corruption("expected a JSON object");
  }

  record.ScanFields();
  // One rule for duplicate keys: the line is malformed. Reading the first
  // while jq and Python read the last would make stages disagree on a field.
  if (record.fields_.size() > 1) {
    std::vector<std::string_view> keys;
    keys.reserve(record.fields_.size());
    bool escaped = false;
    for (const Field& f : record.fields_) {
      keys.push_back(record.View(f.key));
      escaped |= f.key_escaped;
    }
    if (auto dup = DuplicateKey(keys, escaped)) {
      return Status::Corruption("duplicate key " + JsonQuote(*dup));
    }
  }
  return record;
}

Record Record::ParseTrusted(std::string_view line) {
  Record record;
  if (line.size() > UINT32_MAX / 2) return record;
  // Room for the fields a stage sets after reading a spooled record back.
  record.text_.reserve(line.size() + 1024);
  record.text_.assign(line);
  record.ScanFields();
  return record;
}

void Record::ScanFields() {
  const std::string_view s = text_;
  fields_.reserve(24);
  size_t i = SkipSpace(s, 0) + 1;  // past '{'
  i = SkipSpace(s, i);
  while (i < s.size() && s[i] != '}') {
    Field f;
    const size_t key_end = SkipString(s, i, &f.key_escaped);
    if (key_end < i + 2) break;  // only for text that is not what ParseTrusted requires
    f.key = {static_cast<uint32_t>(i + 1), static_cast<uint32_t>(key_end - i - 2)};
    i = SkipSpace(s, key_end) + 1;  // past ':'
    i = SkipSpace(s, i);
    if (i >= s.size()) break;
    const size_t value_end = SkipValue(s, i);
    f.value = {static_cast<uint32_t>(i), static_cast<uint32_t>(value_end - i)};
    fields_.push_back(f);
    i = SkipSpace(s, value_end);
    if (i < s.size() && s[i] == ',') i = SkipSpace(s, i + 1);
  }
}

bool Record::KeyIs(const Field& f, std::string_view key) const {
  // The hot path of every lookup: most keys differ in length or first byte.
  if (!f.key_escaped) {
    return f.key.length == key.size() &&
           (key.empty() || (text_[f.key.offset] == key[0] &&
                            std::memcmp(text_.data() + f.key.offset, key.data(), key.size()) == 0));
  }
  return EscapedKeyIs(View(f.key), key);
}

const Record::Field* Record::Find(std::string_view key) const {
  for (const Field& f : fields_) {
    if (KeyIs(f, key)) return &f;
  }
  return nullptr;
}

Record::Span Record::Append(std::string_view text) {
  Span span{static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(text.size())};
  text_.append(text);
  return span;
}

std::optional<std::string_view> Record::Raw(std::string_view key) const {
  const Field* f = Find(key);
  if (!f) return std::nullopt;
  return View(f->value);
}

std::optional<std::string> Record::GetString(std::string_view key) const {
  auto raw = Raw(key);
  if (!raw || raw->size() < 2 || raw->front() != '"') return std::nullopt;
  std::string_view inner = raw->substr(1, raw->size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  auto unescaped = UnescapeJsonString(inner);
  if (!unescaped.ok()) return std::nullopt;
  return std::move(unescaped).value();
}

std::optional<int64_t> Record::GetInt(std::string_view key) const {
  auto raw = Raw(key);
  if (!raw || raw->empty()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec == std::errc() && ptr == raw->data() + raw->size()) return v;
  auto d = GetDouble(key);  // 1e3 and 12.0 are integral too
  if (d && *d == static_cast<double>(static_cast<int64_t>(*d))) return static_cast<int64_t>(*d);
  return std::nullopt;
}

std::optional<double> Record::GetDouble(std::string_view key) const {
  auto raw = Raw(key);
  if (!raw || raw->empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (ec == std::errc() && ptr == raw->data() + raw->size()) return v;
  return std::nullopt;
}

std::optional<bool> Record::GetBool(std::string_view key) const {
  auto raw = Raw(key);
  if (raw == "true") return true;
  if (raw == "false") return false;
  return std::nullopt;
}

bool Record::IsNull(std::string_view key) const { return Raw(key) == "null"; }

void Record::SetRaw(std::string_view key, std::string_view json) {
  for (Field& f : fields_) {
    if (KeyIs(f, key)) {
      f.value = Append(json);
      return;
    }
  }
  Field f;
  std::string quoted = JsonQuote(key);
  f.key = Append(std::string_view(quoted).substr(1, quoted.size() - 2));
  f.key_escaped = quoted.find('\\') != std::string::npos;
  f.value = Append(json);
  fields_.push_back(f);
}

void Record::SetString(std::string_view key, std::string_view value) {
  SetRaw(key, JsonQuote(value));
}

void Record::SetInt(std::string_view key, int64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  SetRaw(key, std::string_view(buf, r.ptr - buf));
}

void Record::SetDouble(std::string_view key, double value) {
  std::string text;
  AppendJsonDouble(&text, value);
  SetRaw(key, text);
}

void Record::SetBool(std::string_view key, bool value) { SetRaw(key, value ? "true" : "false"); }

void Record::SetNull(std::string_view key) { SetRaw(key, "null"); }

bool Record::Remove(std::string_view key) {
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    if (KeyIs(*it, key)) {
      fields_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<Record::FieldView> Record::Fields() const {
  std::vector<FieldView> out;
  out.reserve(fields_.size());
  for (const Field& f : fields_) out.push_back({View(f.key), View(f.value)});
  return out;
}

void Record::AppendJson(std::string* out) const {
  out->push_back('{');
  bool first = true;
  for (const Field& f : fields_) {
    if (!first) out->push_back(',');
    first = false;
    out->push_back('"');
    out->append(View(f.key));
    out->append("\":");
    out->append(View(f.value));
  }
  out->push_back('}');
}

std::string Record::ToJson() const {
  std::string out;
  out.reserve(text_.size() + 2);
  AppendJson(&out);
  return out;
}

void SetRecordError(Record* record, std::string_view stage, std::string_view code,
                    std::string_view message) {
  JsonBuilder b;
  b.BeginObject().Key("stage").String(stage).Key("code").String(code);
  b.Key("message").String(message).EndObject();
  record->SetRaw(field::kError, b.str());
}

bool HasRecordError(const Record& record) {
  auto raw = record.Raw(field::kError);
  return raw && *raw != "null";
}

}  // namespace pix
