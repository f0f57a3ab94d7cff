#include "label/label_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "jsonl/json_text.h"

namespace pix {

int ConfidenceBand(double confidence) {
  int band = 0;
  for (double edge : kBandEdges) band += confidence >= edge ? 1 : 0;
  return band;
}

void LabelReport::Add(const std::string& original, const std::string& final_label,
                      double confidence, bool needs_review, bool dropped) {
  ++labelled;
  PerLabel& l = labels_[final_label];
  ++l.images;
  ++l.bands[ConfidenceBand(confidence)];
  l.confidence_sum += confidence;
  if (needs_review) {
    ++l.needs_review;
    ++review_;
  }
  if (dropped) {
    ++l.dropped;
    ++dropped_;
  }
  if (original != final_label) {
    ++l.moved_in;
    ++labels_[original].moved_out;
    ++moved_;
  }
}

std::vector<std::string> LabelReport::Lines() const {
  std::vector<std::string> out;
  if (labels_.empty()) return out;
  size_t width = 5;
  for (const auto& [name, l] : labels_) width = std::max(width, std::min<size_t>(name.size(), 40));
  out.push_back(fmt::format("{:<{}} {:>7} {:>6} {:>7} {:>8} {:>6} {:>6} {:>6} {:>6}", "label",
                            width, "images", kBandNames[0], kBandNames[1], kBandNames[2],
                            kBandNames[3], "moved", "review", "mean"));
  for (const auto& [name, l] : labels_) {
    out.push_back(fmt::format("{:<{}} {:>7} {:>6} {:>7} {:>8} {:>6} {:>6} {:>6} {:>6.2f}",
                              name.substr(0, 40), width, l.images, l.bands[0], l.bands[1],
                              l.bands[2], l.bands[3],
                              fmt::format("+{}/-{}", l.moved_in, l.moved_out), l.needs_review,
                              l.images ? l.confidence_sum / l.images : 0.0));
  }
  return out;
}

std::string LabelReport::Json() const {
  JsonBuilder j;
  j.BeginObject();
  j.Key("labelled").Int(static_cast<int64_t>(labelled));
  j.Key("needs_review").Int(static_cast<int64_t>(review_));
  j.Key("moved").Int(static_cast<int64_t>(moved_));
  j.Key("dropped").Int(static_cast<int64_t>(dropped_));
  j.Key("conflicts").Int(static_cast<int64_t>(conflicts));
  j.Key("disagreements").Int(static_cast<int64_t>(disagreements));
  j.Key("passed_untouched").Int(static_cast<int64_t>(passed_untouched));
  j.Key("missing_label").Int(static_cast<int64_t>(missing_label));
  j.Key("unknown_label").Int(static_cast<int64_t>(unknown_label));
  j.Key("backends").BeginArray();
  for (const std::string& b : backends) j.String(b);
  j.EndArray();
  j.Key("backend_summaries").BeginObject();
  for (const auto& [name, text] : backend_summaries) j.Key(name).String(text);
  j.EndObject();
  j.Key("bands").BeginArray();
  for (const char* band : kBandNames) j.String(band);
  j.EndArray();
  j.Key("labels").BeginObject();
  for (const auto& [name, l] : labels_) {
    j.Key(name).BeginObject();
    j.Key("images").Int(static_cast<int64_t>(l.images));
    j.Key("by_band").BeginArray();
    for (uint64_t n : l.bands) j.Int(static_cast<int64_t>(n));
    j.EndArray();
    j.Key("moved_in").Int(static_cast<int64_t>(l.moved_in));
    j.Key("moved_out").Int(static_cast<int64_t>(l.moved_out));
    j.Key("needs_review").Int(static_cast<int64_t>(l.needs_review));
    j.Key("dropped").Int(static_cast<int64_t>(l.dropped));
    j.Key("mean_confidence")
        .Double(l.images ? std::round(l.confidence_sum / l.images * 1e4) / 1e4 : 0.0);
    j.EndObject();
  }
  j.EndObject();
  j.EndObject();
  return j.Take();
}

}  // namespace pix
