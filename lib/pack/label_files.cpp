#include "pack/label_files.h"

#include <fmt/format.h>

#include <algorithm>

#include "jsonl/json_text.h"

namespace pix {
namespace {

std::string NumberText(double v) {
  std::string s;
  AppendJsonDouble(&s, v);
  return s;
}

std::string CsvCell(std::string v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string TxtCell(std::string v) {
  for (char& c : v) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return v;
}

// Markdown text that cannot open links, emphasis or HTML.
std::string MdEscape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_{}[]()<>#+-.!|~&").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool IsNumericColumn(const std::string& c) {
  return c == "confidence" || c == "width" || c == "height" || c == "bytes" || c == "quality";
}

}  // namespace

const std::vector<std::string>& LabelColumns() {
  static const std::vector<std::string> columns = {
      "path",  "label",  "split", "confidence", "needs_review", "width",   "height",   "sha256",
      "bytes", "format", "url",   "license",    "license_url",  "creator", "page_url", "quality"};
  return columns;
}

namespace {

// Field `column` (an index into LabelColumns()) of an entry as text: the
// label files ask for 16 fields of every entry, so no name comparisons.
std::string FieldAt(const PackEntry& e, size_t column) {
  switch (column) {
    case 0: return e.path;
    case 1: return e.label;
    case 2: return e.split;
    case 3: return e.confidence ? NumberText(*e.confidence) : "";
    case 4: return e.needs_review ? "true" : "false";
    case 5: return std::to_string(e.width);
    case 6: return std::to_string(e.height);
    case 7: return e.sha256;
    case 8: return std::to_string(e.bytes);
    case 9: return e.format;
    case 10: return e.url;
    case 11: return e.license;
    case 12: return e.license_url;
    case 13: return e.creator;
    case 14: return e.page_url;
    case 15: return e.quality ? NumberText(*e.quality) : "";
  }
  return "";
}

}  // namespace

std::string EntryField(const PackEntry& e, const std::string& c) {
  const auto& cols = LabelColumns();
  const size_t i = static_cast<size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin());
  return FieldAt(e, i);
}

Status WriteLabelsJson(const std::vector<PackEntry>& entries, const TextSink& out) {
  PIX_RETURN_IF_ERROR(out("["));
  std::string line;
  for (size_t i = 0; i < entries.size(); ++i) {
    line = i ? ",\n" : "\n";
    line += EntryToJson(entries[i]);
    PIX_RETURN_IF_ERROR(out(line));
  }
  return out("\n]\n");
}

namespace {

// labels.csv and labels.txt: a header row, then one row per entry.
Status WriteTable(const std::vector<PackEntry>& entries, const std::string& header_start,
                  char separator, std::string (*cell)(std::string), const TextSink& out) {
  const auto& cols = LabelColumns();
  std::string line = header_start;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) line += separator;
    line += cols[i];
  }
  line += '\n';
  PIX_RETURN_IF_ERROR(out(line));
  for (const auto& e : entries) {
    line.clear();
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) line += separator;
      line += cell(FieldAt(e, i));
    }
    line += '\n';
    PIX_RETURN_IF_ERROR(out(line));
  }
  return Status::Ok();
}

}  // namespace

Status WriteLabelsCsv(const std::vector<PackEntry>& entries, const TextSink& out) {
  return WriteTable(entries, "", ',', CsvCell, out);
}

Status WriteLabelsYaml(const std::vector<PackEntry>& entries, const TextSink& out) {
  const auto& cols = LabelColumns();
  PIX_RETURN_IF_ERROR(out("# PixCrawler dataset labels: one mapping per image\n"));
  if (entries.empty()) return out("[]\n");
  std::string block;
  for (const auto& e : entries) {
    block.clear();
    for (size_t i = 0; i < cols.size(); ++i) {
      block += i ? "  " : "- ";
      block += cols[i] + ": ";
      const std::string v = FieldAt(e, i);
      if (cols[i] == "needs_review") {
        block += v;
      } else if (IsNumericColumn(cols[i])) {
        block += v.empty() ? "null" : v;
      } else if (cols[i] == "split" && v.empty()) {
        block += "null";
      } else {
        block += JsonQuote(v);  // a JSON string is a valid YAML double-quoted scalar
      }
      block += '\n';
    }
    PIX_RETURN_IF_ERROR(out(block));
  }
  return Status::Ok();
}

Status WriteLabelsTxt(const std::vector<PackEntry>& entries, const TextSink& out) {
  return WriteTable(entries, "# ", '\t', TxtCell, out);
}

std::string ClassesTxt(const std::map<std::string, std::string>& folders) {
  std::vector<std::pair<std::string, std::string>> by_folder;
  for (const auto& [label, folder] : folders) by_folder.emplace_back(folder, label);
  std::sort(by_folder.begin(), by_folder.end());
  std::string out;
  for (const auto& [folder, label] : by_folder) out += TxtCell(label) + "\n";
  return out;
}

std::set<std::string> MetadataJsonlFolders(const std::vector<PackEntry>& entries) {
  std::set<std::string> folders;
  for (const auto& e : entries) folders.insert(e.split);
  if (folders.empty()) folders.insert("");
  return folders;
}

Status WriteMetadataJsonl(const std::vector<PackEntry>& entries, const std::string& split,
                          const TextSink& out) {
  std::string line;
  for (const auto& e : entries) {
    if (e.split != split) continue;
    std::string_view file_name = e.path;
    if (!split.empty() && file_name.substr(0, split.size() + 1) == split + "/") {
      file_name.remove_prefix(split.size() + 1);
    }
    JsonBuilder j;
    j.BeginObject().Key("file_name").String(file_name).Key("label").String(e.label);
    j.Key("confidence");
    e.confidence ? j.Double(*e.confidence) : j.Null();
    j.Key("needs_review").Bool(e.needs_review);
    j.Key("width").Int(e.width).Key("height").Int(e.height).Key("sha256").String(e.sha256);
    j.Key("url").String(e.url).Key("license").String(e.license).Key("creator").String(e.creator);
    j.EndObject();
    line = j.Take();
    line += '\n';
    PIX_RETURN_IF_ERROR(out(line));
  }
  return Status::Ok();
}

Status WriteAttributionMd(const std::vector<PackEntry>& entries, const std::string& dataset_name,
                          const TextSink& out) {
  std::map<std::string, std::vector<const PackEntry*>> by_license;
  for (const auto& e : entries) {
    if (e.license.empty() && e.creator.empty()) continue;
    by_license[e.license.empty() ? "(licence not reported)" : e.license].push_back(&e);
  }
  size_t total = 0;
  for (const auto& [license, list] : by_license) total += list.size();
  std::string text = fmt::format("# Attribution: {}\n\n", MdEscape(dataset_name));
  text += fmt::format(
      "{} of {} images came from sources that reported a creator or licence (Wikimedia Commons, "
      "Openverse, Flickr, ...). They are listed below by licence. Images not listed came without "
      "that information: check their source before you publish them.\n",
      total, entries.size());
  PIX_RETURN_IF_ERROR(out(text));
  for (const auto& [license, list] : by_license) {
    text = fmt::format("\n## {} ({} images)\n\n", MdEscape(license), list.size());
    std::string license_url;
    for (const PackEntry* e : list) {
      if (!e->license_url.empty()) license_url = e->license_url;
    }
    if (!license_url.empty()) text += fmt::format("Licence text: <{}>\n\n", license_url);
    PIX_RETURN_IF_ERROR(out(text));
    for (const PackEntry* e : list) {
      text = fmt::format("- `{}`", e->path);
      if (!e->title.empty()) text += fmt::format(": {}", MdEscape(e->title));
      text += fmt::format(" by {}", e->creator.empty() ? "unknown creator" : MdEscape(e->creator));
      const std::string& source = e->page_url.empty() ? e->url : e->page_url;
      if (!source.empty()) text += fmt::format(", source <{}>", source);
      text += '\n';
      PIX_RETURN_IF_ERROR(out(text));
    }
  }
  return Status::Ok();
}

}  // namespace pix
