#include "pack/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "base/base64.h"
#include "base/files.h"
#include "base/html.h"
#include "base/version.h"
#include "jsonl/json_text.h"
#include "pack/dataset_stats.h"
#include "pack/thumbnail.h"

namespace pix {
namespace {

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em;color:#222}
h1{margin-bottom:0}.sub{color:#666;margin-top:.2em}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.8em}.card.bad b{color:#b00}.card.warn b{color:#b60}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border-bottom:1px solid #eee;padding:.25em .8em;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.hist{display:flex;align-items:flex-end;gap:2px;height:90px;border-bottom:1px solid #999;width:320px}
.hist div{background:#4a7ebb;flex:1;min-height:1px}.axis{display:flex;justify-content:space-between;width:320px;color:#666;font-size:11px}
.grid{display:flex;flex-wrap:wrap;gap:.6em}figure{margin:0;width:170px;font-size:11px;word-break:break-all}
figure img,.ph{width:160px;height:160px;object-fit:contain;background:#f4f4f4;border:1px solid #ddd;display:block}
.ph{display:flex;align-items:center;justify-content:center;color:#999;text-align:center}
.pair{display:flex;gap:.4em;border:1px solid #eee;padding:.3em;border-radius:6px}
.hists{display:flex;gap:3em;flex-wrap:wrap}
)";

class Thumbnails {
 public:
  explicit Thumbnails(int side) : side_(side) {}
  // An <img> (or a placeholder naming why not) for the file at `path`.
  std::string Figure(const std::string& path, const std::string& caption) {
    std::string body;
    auto it = cache_.find(path);
    if (it == cache_.end()) {
      auto thumb = path.empty() ? Result<std::string>(Status::NotFound("no file"))
                                : MakeThumbnail(path, side_);
      std::string html;
      if (thumb.ok()) {
        html = "<img alt=\"\" src=\"data:image/jpeg;base64," + Base64Encode(*thumb) + "\">";
      } else {
        html = "<div class=\"ph\">" + HtmlEscape(thumb.status().message().substr(0, 80)) + "</div>";
      }
      it = cache_.emplace(path, std::move(html)).first;
    }
    return "<figure>" + it->second + "<figcaption>" + caption + "</figcaption></figure>";
  }

 private:
  int side_;
  std::unordered_map<std::string, std::string> cache_;
};

std::string Card(const std::string& title, uint64_t n, const char* cls = "") {
  return fmt::format("<div class=\"card {}\"><b>{}</b>{}</div>", cls, n, HtmlEscape(title));
}

std::string Histogram(const std::string& title, const UnitHistogram& h) {
  uint64_t top = 1;
  for (uint64_t b : h.bins) top = std::max(top, b);
  std::string out = "<div><h3>" + HtmlEscape(title) + "</h3><div class=\"hist\">";
  for (int i = 0; i < 10; ++i) {
    out += fmt::format("<div style=\"height:{}%\" title=\"{:.1f}-{:.1f}: {}\"></div>",
                       h.bins[i] * 100 / top, i / 10.0, (i + 1) / 10.0, h.bins[i]);
  }
  out += "</div><div class=\"axis\"><span>0</span><span>0.5</span><span>1</span></div>";
  out += fmt::format("<p>{} images with a value", h.count);
  if (h.count) out += fmt::format(", mean {:.3f}", h.sum / static_cast<double>(h.count));
  if (h.missing) out += fmt::format("; {} without", h.missing);
  return out + "</p></div>";
}

std::string CountsTable(const std::string& head, const std::map<std::string, uint64_t>& m) {
  if (m.empty()) return "<p>None.</p>";
  std::vector<std::pair<std::string, uint64_t>> rows(m.begin(), m.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = "<table><tr><th>" + HtmlEscape(head) + "</th><th class=\"n\">records</th></tr>";
  for (const auto& [k, v] : rows) {
    out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>", HtmlEscape(k), v);
  }
  return out + "</table>";
}

}  // namespace

std::string ReportJson(const ReportInput& in) {
  const auto& entries = *in.entries;
  const auto& run = *in.run;
  uint64_t review = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> labels;  // images, needs review
  for (const auto& e : entries) {
    review += e.needs_review;
    auto& l = labels[e.label];
    ++l.first;
    l.second += e.needs_review;
  }
  uint64_t rejected = 0;
  for (const auto& [reason, n] : run.rejected) rejected += n;
  JsonBuilder j;
  j.BeginObject().Key("name").String(in.name).Key("updated").String(in.updated);
  j.Key("version").String(kVersion);
  j.Key("summary").BeginObject();
  j.Key("images").Int(static_cast<int64_t>(entries.size()));
  j.Key("added").Int(static_cast<int64_t>(run.packed));
  j.Key("already_present").Int(static_cast<int64_t>(run.already_present));
  j.Key("rejected").Int(static_cast<int64_t>(rejected));
  j.Key("faults").Int(static_cast<int64_t>(run.faults));
  j.Key("needs_review").Int(static_cast<int64_t>(review));
  j.EndObject();
  j.Key("pipeline").Raw(run.ToJson());
  j.Key("labels").BeginObject();
  for (const auto& [label, n] : labels) {
    j.Key(label).BeginObject().Key("images").Int(static_cast<int64_t>(n.first));
    j.Key("needs_review").Int(static_cast<int64_t>(n.second)).EndObject();
  }
  j.EndObject();
  j.Key("rejected").BeginArray();
  for (const auto& r : *in.rejected) {
    j.BeginObject().Key("reason").String(r.reason).Key("detail").String(r.detail);
    j.Key("label").String(r.label).Key("url").String(r.url).Key("path").String(r.source_path);
    j.Key("sha256").String(r.sha256);
    if (!r.dup_of.empty()) j.Key("dup_of").String(r.dup_of);
    j.EndObject();
  }
  j.EndArray();
  j.Key("needs_review").BeginArray();
  for (const auto& e : entries) {
    if (!e.needs_review) continue;
    j.BeginObject().Key("path").String(e.path).Key("label").String(e.label);
    j.Key("confidence");
    e.confidence ? j.Double(*e.confidence) : j.Null();
    j.EndObject();
  }
  j.EndArray().EndObject();
  return j.Take() + "\n";
}

std::string ReportHtml(const ReportInput& in, const ReportOptions& options) {
  const auto& entries = *in.entries;
  const auto& run = *in.run;
  Thumbnails thumbs(options.thumbnail_side);
  UnitHistogram quality, confidence;
  uint64_t review = 0, rejected = 0;
  std::map<std::string, std::vector<const PackEntry*>> by_label;
  std::map<std::string, std::map<std::string, uint64_t>> label_splits;
  std::set<std::string> split_names;
  std::unordered_map<std::string, const PackEntry*> by_id;  // url and sha256 -> entry
  for (const auto& e : entries) {
    quality.Add(e.quality);
    confidence.Add(e.confidence);
    review += e.needs_review;
    by_label[e.label].push_back(&e);
    if (!e.split.empty()) {
      ++label_splits[e.label][e.split];
      split_names.insert(e.split);
    }
    if (!e.url.empty()) by_id.emplace(e.url, &e);
    by_id.emplace(e.sha256, &e);
  }
  for (const auto& [reason, n] : run.rejected) rejected += n;

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
       "style-src 'unsafe-inline'\">";
  h += "<meta name=\"viewport\" content=\"width=device-width\">";
  h += "<title>" + HtmlEscape(in.name) + ": dataset report</title><style>";
  h += kStyle;
  h += "</style></head><body>\n";
  h += "<h1>" + HtmlEscape(in.name) + "</h1>";
  h += "<p class=\"sub\">Dataset report, updated " + HtmlEscape(in.updated) + " by pix-pack " +
       kVersion + "</p>\n<div class=\"cards\" id=\"summary\">";
  h += Card("images in the dataset", entries.size());
  h += Card("labels", by_label.size());
  h += Card("added by this run", run.packed);
  h += Card("already present", run.already_present);
  h += Card("records turned away", rejected, rejected ? "warn" : "");
  h += Card("faults (missing or changed files)", run.faults, run.faults ? "bad" : "");
  h += Card("need review", review, review ? "warn" : "");
  h += "</div>\n";

  h += "<h2>Labels</h2><table id=\"labels\"><tr><th>label</th><th class=\"n\">images</th>";
  for (const auto& s : split_names) h += "<th class=\"n\">" + HtmlEscape(s) + "</th>";
  h += "<th class=\"n\">need review</th></tr>";
  for (const auto& [label, list] : by_label) {
    uint64_t r = 0;
    for (const auto* e : list) r += e->needs_review;
    h += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td>", HtmlEscape(label), list.size());
    for (const auto& s : split_names)
      h += fmt::format("<td class=\"n\">{}</td>", label_splits[label][s]);
    h += fmt::format("<td class=\"n\">{}</td></tr>", r);
  }
  h += "</table>\n";

  h += "<h2>Pipeline</h2><table id=\"pipeline\">";
  h += fmt::format("<tr><td>records read</td><td class=\"n\">{}</td></tr>", run.found);
  h += fmt::format("<tr><td>downloaded</td><td class=\"n\">{}</td></tr>", run.fetched);
  h += fmt::format("<tr><td>duplicates</td><td class=\"n\">{}</td></tr>", run.duplicates);
  h += fmt::format("<tr><td>dropped by pix-label</td><td class=\"n\">{}</td></tr>", run.dropped);
  h += fmt::format("<tr><td>relabelled</td><td class=\"n\">{}</td></tr></table>", run.relabelled);
  h += "<h3>Why records were turned away</h3>" + CountsTable("reason", run.rejected);
  h += "<h3>Failures by stage and code</h3>" + CountsTable("stage/code", run.failed);
  h += "<h3>Invalid images by reason</h3>" + CountsTable("reason", run.invalid);

  h += "<h2>Distributions</h2><div class=\"hists\">";
  h += Histogram("Quality score", quality) + Histogram("Label confidence", confidence);
  h += "</div>\n";

  h += "<h2>Kept images by label</h2>";
  for (const auto& [label, list] : by_label) {
    h += fmt::format("<h3>{} ({})</h3><div class=\"grid\">", HtmlEscape(label), list.size());
    const size_t n = std::min<size_t>(list.size(), static_cast<size_t>(options.kept_per_label));
    for (size_t i = 0; i < n; ++i) {
      const PackEntry& e = *list[i];
      std::string caption = HtmlEscape(e.path);
      if (e.confidence) caption += fmt::format(" &middot; conf {:.2f}", *e.confidence);
      h += thumbs.Figure(JoinPath(in.root, e.path), caption);
    }
    h += "</div>";
  }

  h += "<h2 id=\"duplicates\">Duplicates beside what they duplicate</h2><div class=\"grid\">";
  int shown = 0;
  for (const auto& r : *in.rejected) {
    if (r.reason != "duplicate") continue;
    if (shown++ >= options.max_duplicates) break;
    auto it = by_id.find(r.dup_of);
    const std::string original = it == by_id.end() ? "" : JoinPath(in.root, it->second->path);
    h += "<div class=\"pair\">" + thumbs.Figure(r.source_path, "duplicate: " + HtmlEscape(r.url));
    h += thumbs.Figure(original,
                       "of: " + HtmlEscape(it == by_id.end() ? r.dup_of : it->second->path));
    h += "</div>";
  }
  if (shown == 0) h += "<p>None.</p>";
  h += "</div>\n<h2 id=\"rejects\">Rejects</h2><div class=\"grid\">";
  shown = 0;
  for (const auto& r : *in.rejected) {
    if (r.reason == "duplicate" || r.source_path.empty()) continue;
    if (shown++ >= options.max_rejects) break;
    std::string caption = "<b>" + HtmlEscape(r.reason) + "</b>";
    if (!r.detail.empty()) caption += " " + HtmlEscape(r.detail);
    caption += "<br>" + HtmlEscape(r.url);
    h += thumbs.Figure(r.source_path, caption);
  }
  if (shown == 0) h += "<p>None with a file.</p>";
  h += "</div>\n<h2 id=\"review\">Needs review</h2><div class=\"grid\">";
  shown = 0;
  for (const auto& e : entries) {
    if (!e.needs_review) continue;
    if (shown++ >= options.max_review) break;
    std::string caption = HtmlEscape(e.label) + ": " + HtmlEscape(e.path);
    if (e.confidence) caption += fmt::format(" &middot; conf {:.2f}", *e.confidence);
    h += thumbs.Figure(JoinPath(in.root, e.path), caption);
  }
  if (shown == 0) h += "<p>None.</p>";
  h += "</div>\n<p class=\"sub\">Every record is listed in report.json.</p></body></html>\n";
  return h;
}

}  // namespace pix
