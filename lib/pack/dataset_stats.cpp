#include "pack/dataset_stats.h"

#include <algorithm>

#include "base/version.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

template <typename T>
void AddSpread(JsonBuilder& j, std::string_view key, std::vector<T> v) {
  j.Key(key).BeginObject();
  if (v.empty()) {
    j.Key("min").Null().Key("median").Null().Key("max").Null();
  } else {
    std::sort(v.begin(), v.end());
    j.Key("min").Int(static_cast<int64_t>(v.front()));
    j.Key("median").Int(static_cast<int64_t>(v[v.size() / 2]));
    j.Key("max").Int(static_cast<int64_t>(v.back()));
  }
  j.EndObject();
}

}  // namespace

void UnitHistogram::Add(std::optional<double> v) {
  if (!v || !(*v >= 0) || !(*v <= 1)) {
    ++missing;
    return;
  }
  ++count;
  sum += *v;
  ++bins[std::min(9, static_cast<int>(*v * 10))];
}

std::string UnitHistogram::ToJson() const {
  JsonBuilder j;
  j.BeginObject().Key("count").Int(static_cast<int64_t>(count));
  j.Key("missing").Int(static_cast<int64_t>(missing));
  j.Key("mean");
  count ? j.Double(sum / static_cast<double>(count)) : j.Null();
  j.Key("histogram").BeginArray();
  for (uint64_t b : bins) j.Int(static_cast<int64_t>(b));
  j.EndArray().EndObject();
  return j.Take();
}

std::string DatasetStatsJson(const std::vector<PackEntry>& entries,
                             const std::map<std::string, std::string>& folders,
                             const RunCounts& run, const std::string& name,
                             const std::string& updated) {
  std::map<std::string, std::map<std::string, uint64_t>> label_splits;
  std::map<std::string, uint64_t> labels, splits, formats, engines, queries, licenses;
  std::map<std::string, uint64_t> megapixels;
  std::vector<int> widths, heights;
  std::vector<uint64_t> sizes;
  UnitHistogram quality, confidence;
  uint64_t bytes = 0, review = 0;
  for (const auto& e : entries) {
    ++labels[e.label];
    if (!e.split.empty()) {
      ++splits[e.split];
      ++label_splits[e.label][e.split];
    }
    ++formats[e.format.empty() ? "unknown" : e.format];
    for (const auto& s : e.engines) ++engines[s];
    for (const auto& s : e.queries) ++queries[s];
    ++licenses[e.license.empty() ? "unknown" : e.license];
    const double mp = static_cast<double>(e.width) * e.height / 1e6;
    ++megapixels[mp < 0.1   ? "<0.1"
                 : mp < 0.5 ? "0.1-0.5"
                 : mp < 1   ? "0.5-1"
                 : mp < 4   ? "1-4"
                 : mp < 12  ? "4-12"
                            : ">=12"];
    widths.push_back(e.width);
    heights.push_back(e.height);
    sizes.push_back(e.bytes);
    bytes += e.bytes;
    review += e.needs_review;
    quality.Add(e.quality);
    confidence.Add(e.confidence);
  }
  JsonBuilder j;
  j.BeginObject();
  j.Key("name").String(name).Key("updated").String(updated);
  j.Key("tool").String("pix-pack").Key("version").String(kVersion);
  j.Key("tool_versions").BeginObject().Key("pix-pack").String(kVersion).EndObject();
  j.Key("images").Int(static_cast<int64_t>(entries.size()));
  j.Key("bytes").Int(static_cast<int64_t>(bytes));
  j.Key("labels").BeginObject();
  for (const auto& [label, n] : labels) {
    j.Key(label).BeginObject().Key("images").Int(static_cast<int64_t>(n));
    auto f = folders.find(label);
    j.Key("folder").String(f == folders.end() ? "" : f->second);
    AddCountsJson(j, "splits", label_splits[label]);
    j.EndObject();
  }
  j.EndObject();
  AddCountsJson(j, "splits", splits);
  AddCountsJson(j, "formats", formats);
  AddSpread(j, "width", widths);
  AddSpread(j, "height", heights);
  AddSpread(j, "file_bytes", sizes);
  AddCountsJson(j, "megapixels", megapixels);
  AddCountsJson(j, "engines", engines);
  AddCountsJson(j, "queries", queries);
  AddCountsJson(j, "licenses", licenses);
  j.Key("quality").Raw(quality.ToJson());
  j.Key("confidence").Raw(confidence.ToJson());
  j.Key("needs_review").Int(static_cast<int64_t>(review));
  j.Key("pipeline").Raw(run.ToJson());
  j.EndObject();
  return j.Take() + "\n";
}

}  // namespace pix
