#include "pack/pack_entry.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "base/files.h"
#include "jsonl/fields.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

void AddUnique(std::vector<std::string>* list, std::string value) {
  if (value.empty()) return;
  if (std::find(list->begin(), list->end(), value) == list->end())
    list->push_back(std::move(value));
}

// Engines and queries from found_by ([{"engine", "query", ...}]), plus the
// record's own engine and query.
void ReadFoundBy(const Record& record, PackEntry* e) {
  AddUnique(&e->engines, record.GetString(field::kEngine).value_or(""));
  AddUnique(&e->queries, record.GetString(field::kQuery).value_or(""));
  auto raw = record.Raw(field::kFoundBy);
  if (!raw) return;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(raw->data(), raw->size()).get(doc)) return;
  simdjson::dom::array list;
  if (doc.get_array().get(list)) return;
  for (simdjson::dom::element item : list) {
    std::string_view s;
    if (!item["engine"].get_string().get(s)) AddUnique(&e->engines, std::string(s));
    if (!item["query"].get_string().get(s)) AddUnique(&e->queries, std::string(s));
  }
}

std::optional<double> QualityScore(const Record& record) {
  if (auto d = record.GetDouble(field::kQuality)) return d;
  auto raw = record.Raw(field::kQuality);
  if (!raw) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(raw->data(), raw->size()).get(doc)) return std::nullopt;
  double score;
  if (doc["score"].get_double().get(score)) return std::nullopt;
  return score;
}

void AddStringList(JsonBuilder& j, std::string_view key, const std::vector<std::string>& list) {
  j.Key(key).BeginArray();
  for (const auto& s : list) j.String(s);
  j.EndArray();
}

std::string Str(simdjson::dom::element e, const char* key) {
  std::string_view s;
  if (e[key].get_string().get(s)) return "";
  return std::string(s);
}

std::vector<std::string> StrList(simdjson::dom::element e, const char* key) {
  std::vector<std::string> out;
  simdjson::dom::array list;
  if (e[key].get_array().get(list)) return out;
  for (simdjson::dom::element item : list) {
    std::string_view s;
    if (!item.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

std::optional<double> Num(simdjson::dom::element e, const char* key) {
  double d;
  if (e[key].get_double().get(d)) return std::nullopt;
  return d;
}

}  // namespace

PackEntry EntryFromRecord(const Record& record) {
  PackEntry e;
  e.label = record.GetString(field::kLabel).value_or("");
  e.sha256 = record.GetString(field::kSha256).value_or("");
  std::transform(e.sha256.begin(), e.sha256.end(), e.sha256.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  e.bytes = static_cast<uint64_t>(std::max<int64_t>(0, record.GetInt(field::kBytes).value_or(0)));
  e.width = static_cast<int>(record.GetInt(field::kWidth).value_or(0));
  e.height = static_cast<int>(record.GetInt(field::kHeight).value_or(0));
  e.format = record.GetString(field::kFormat).value_or("");
  e.confidence = record.GetDouble(field::kLabelConfidence);
  e.needs_review = record.GetBool(field::kNeedsReview).value_or(false);
  e.quality = QualityScore(record);
  e.url = record.GetString(field::kUrl).value_or("");
  e.page_url = record.GetString(field::kPageUrl).value_or("");
  e.title = record.GetString(field::kTitle).value_or("");
  e.license = record.GetString(field::kLicense).value_or("");
  e.license_url = record.GetString(field::kLicenseUrl).value_or("");
  e.creator = record.GetString(field::kCreator).value_or("");
  ReadFoundBy(record, &e);
  if (auto raw = record.Raw(field::kCluster); raw && *raw != "null") e.cluster = std::string(*raw);
  return e;
}

std::string EntryToJson(const PackEntry& e) {
  JsonBuilder j;
  j.BeginObject();
  j.Key("path").String(e.path).Key("label").String(e.label);
  j.Key("split");
  e.split.empty() ? j.Null() : j.String(e.split);
  j.Key("confidence");
  e.confidence ? j.Double(*e.confidence) : j.Null();
  j.Key("needs_review").Bool(e.needs_review);
  j.Key("width").Int(e.width).Key("height").Int(e.height);
  j.Key("sha256").String(e.sha256).Key("bytes").Int(static_cast<int64_t>(e.bytes));
  j.Key("source_sha256");
  e.source_sha256.empty() ? j.Null() : j.String(e.source_sha256);
  j.Key("format").String(e.format);
  j.Key("url").String(e.url).Key("page_url").String(e.page_url).Key("title").String(e.title);
  j.Key("license").String(e.license).Key("license_url").String(e.license_url);
  j.Key("creator").String(e.creator);
  j.Key("quality");
  e.quality ? j.Double(*e.quality) : j.Null();
  AddStringList(j, "engines", e.engines);
  AddStringList(j, "queries", e.queries);
  j.Key("cluster");
  e.cluster.empty() ? j.Null() : j.Raw(e.cluster);
  j.Key("added").String(e.added);
  j.EndObject();
  return j.Take();
}

namespace {

// One labels.json entry; `name` (the file) is used in messages.
Result<PackEntry> EntryFromJson(simdjson::dom::element item, std::string_view name) {
  PackEntry e;
  e.path = Str(item, "path");
  e.label = Str(item, "label");
  e.sha256 = Str(item, "sha256");
  if (e.path.empty() || e.sha256.empty()) {
    return Status::Corruption(std::string(name) + ": an entry lacks path or sha256");
  }
  e.split = Str(item, "split");
  e.source_sha256 = Str(item, "source_sha256");
  e.confidence = Num(item, "confidence");
  bool review = false;
  if (!item["needs_review"].get_bool().get(review)) e.needs_review = review;
  int64_t n = 0;
  if (!item["width"].get_int64().get(n)) e.width = static_cast<int>(n);
  if (!item["height"].get_int64().get(n)) e.height = static_cast<int>(n);
  if (!item["bytes"].get_int64().get(n)) e.bytes = static_cast<uint64_t>(std::max<int64_t>(0, n));
  e.format = Str(item, "format");
  e.url = Str(item, "url");
  e.page_url = Str(item, "page_url");
  e.title = Str(item, "title");
  e.license = Str(item, "license");
  e.license_url = Str(item, "license_url");
  e.creator = Str(item, "creator");
  e.quality = Num(item, "quality");
  e.engines = StrList(item, "engines");
  e.queries = StrList(item, "queries");
  simdjson::dom::element cluster;
  if (!item["cluster"].get(cluster) && !cluster.is_null()) {
    e.cluster = simdjson::minify(cluster);
  }
  e.added = Str(item, "added");
  return e;
}

// Reads a labels.json laid out as WriteLabelsJson writes it: a "[" line, one
// entry per line, each but the last ending in ",", and a "]" line. Returns
// nullopt when the file is laid out any other way (it may still be valid
// JSON, e.g. re-indented by a person), an error when an entry is not one.
using MaybeEntries = std::optional<std::vector<PackEntry>>;
Result<MaybeEntries> ReadEntryLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot open " + path, errno);
  std::string line;
  if (!std::getline(in, line) || line != "[") return MaybeEntries();
  std::vector<PackEntry> out;
  simdjson::dom::parser parser;
  bool comma_before = true;  // the entry before this line ended in ","
  bool closed = false;
  while (std::getline(in, line)) {
    if (closed) {
      if (!line.empty()) return MaybeEntries();
      continue;
    }
    if (line == "]") {
      if (!out.empty() && comma_before) return MaybeEntries();  // [a,] is not JSON
      closed = true;
      continue;
    }
    if (!comma_before) return MaybeEntries();
    comma_before = !line.empty() && line.back() == ',';
    if (comma_before) line.pop_back();
    simdjson::dom::element item;
    if (parser.parse(line).get(item) || !item.is_object()) return MaybeEntries();
    PIX_ASSIGN_OR_RETURN(PackEntry e, EntryFromJson(item, path));
    out.push_back(std::move(e));
  }
  if (in.bad()) return Status::FromErrno("cannot read " + path, errno);
  if (!closed) return MaybeEntries();
  return MaybeEntries(std::move(out));
}

}  // namespace

Result<std::vector<PackEntry>> ParseLabelsJson(std::string_view text, std::string_view name) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(doc)) {
    return Status::Corruption(std::string(name) +
                              ": invalid JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::array list;
  if (doc.get_array().get(list)) {
    return Status::Corruption(std::string(name) + ": expected a JSON array of entries");
  }
  std::vector<PackEntry> out;
  for (simdjson::dom::element item : list) {
    PIX_ASSIGN_OR_RETURN(PackEntry e, EntryFromJson(item, name));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<PackEntry>> ReadLabelsJson(const std::string& path) {
  PIX_ASSIGN_OR_RETURN(auto by_line, ReadEntryLines(path));
  if (by_line) return std::move(*by_line);
  PIX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseLabelsJson(text, path);
}

std::string ExtensionFor(std::string_view format, std::string_view path) {
  std::string f(format);
  std::transform(f.begin(), f.end(), f.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (f == "jpeg" || f == "jpg") return "jpg";
  if (f == "png" || f == "webp" || f == "gif" || f == "bmp" || f == "tiff" || f == "avif" ||
      f == "heic") {
    return f;
  }
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0 && base.size() - dot <= 6) {
    std::string ext(base.substr(dot + 1));
    bool ok = !ext.empty();
    for (char& c : ext) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!std::isalnum(static_cast<unsigned char>(c))) ok = false;
    }
    if (ok) return ext == "jpeg" ? "jpg" : ext;
  }
  return "bin";
}

}  // namespace pix
