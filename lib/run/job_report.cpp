#include "run/job_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "base/files.h"
#include "base/html.h"
#include "config/dataset_config.h"
#include "jsonl/json_text.h"
#include "run/job_lock.h"
#include "run/rounds.h"

namespace pix {
namespace {

// The stage whose ok items count as found/fetched/valid/unique.
constexpr const char* kClassStages[] = {"search", "fetch", "validate", "dedup"};

std::string Duration(double seconds) {
  const auto s = static_cast<int64_t>(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string PromLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<JobStatus> LoadJobStatus(JobStore& store, const std::string& store_path, int64_t job) {
  JobStatus st;
  PIX_ASSIGN_OR_RETURN(st.job, store.GetJob(job));
  st.holder_pid = JobLock::HolderPid(store_path);
  st.running = st.holder_pid != 0 && st.job.state == "running";
  PIX_ASSIGN_OR_RETURN(auto stages, store.Stages(job));
  const double now = NowSeconds();
  int64_t upstream_ok = -1;
  for (StageInfo& info : stages) {
    StageStatus s;
    PIX_ASSIGN_OR_RETURN(s.counts, store.CountItems(job, info.name));
    s.answered = s.counts.Count("ok") + s.counts.Count("failed") + s.counts.Count("rejected") +
                 s.counts.Count("duplicate");
    s.in_flight = s.counts.Count("fed");
    double seconds = info.seconds;
    if (info.state == "running" && info.started_at > 0) seconds += now - info.started_at;
    if (seconds > 0) s.rate = static_cast<double>(s.answered) / seconds;
    if (upstream_ok >= 0 && info.state != "done" && info.name != "search" &&
        info.name != "keywords") {
      s.waiting = std::max<int64_t>(0, upstream_ok - s.answered);
      if (info.state == "running" && s.rate > 0) s.eta_seconds = s.waiting / s.rate;
    }
    upstream_ok = s.counts.Count("ok");
    s.info = std::move(info);
    st.stages.push_back(std::move(s));
  }
  // Classes: those of dataset.yaml in order, then any other label seen.
  size_t target = 0;
  std::vector<std::string> labels;
  if (auto config = ParseDatasetConfig(st.job.config_text, st.job.config_path); config.ok()) {
    target = config->targets.images_per_class;
    for (const DatasetClass& c : config->classes) labels.push_back(c.label);
  }
  std::map<std::string, ClassStatus> by_label;
  for (size_t i = 0; i < std::size(kClassStages); ++i) {
    PIX_ASSIGN_OR_RETURN(auto counts, store.CountByLabel(job, kClassStages[i], "ok"));
    for (const auto& [label, n] : counts) {
      ClassStatus& c = by_label[label];
      (i == 0 ? c.found : i == 1 ? c.fetched : i == 2 ? c.valid : c.unique) = n;
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
  }
  PIX_ASSIGN_OR_RETURN(auto labelled, store.CountByLabel(job, "label", "ok"));
  PIX_ASSIGN_OR_RETURN(auto review, store.CountByLabel(job, "label", "ok", true));
  for (const auto& [label, n] : labelled) by_label[label].labelled = n;
  for (const auto& [label, n] : review) by_label[label].needs_review = n;
  for (const std::string& label : labels) {
    ClassStatus c = by_label[label];
    c.label = label;
    c.target = static_cast<int64_t>(target);
    c.shortfall = std::max<int64_t>(0, c.target - c.unique);
    st.classes.push_back(c);
  }
  PIX_ASSIGN_OR_RETURN(auto rounds, store.Rounds(job));
  st.round = CurrentRound(rounds).round;
  // The last events: page to the end, keeping the newest 20.
  int64_t after = 0;
  for (;;) {
    PIX_ASSIGN_OR_RETURN(auto page, store.Events(job, "", "", after, 1000));
    for (EventRow& e : page) {
      after = e.id;
      st.last_events.push_back(std::move(e));
      if (st.last_events.size() > 20) st.last_events.erase(st.last_events.begin());
    }
    if (page.size() < 1000) break;
  }
  return st;
}

std::string FormatStatusText(const JobStatus& st) {
  std::string out = fmt::format("job {} ({}): {}", st.job.id, st.job.dataset, st.job.state);
  if (st.running) out += fmt::format(", pix-run pid {}", st.holder_pid);
  if (st.job.exit_code) out += fmt::format(", exit {}", *st.job.exit_code);
  if (!st.job.shard.empty()) out += ", shard " + st.job.shard;
  out += "\n  output: " + st.job.output_dir + "\n";
  if (st.round > 1) out += fmt::format("  search round {}\n", st.round);
  if (!st.job.message.empty()) out += "  " + st.job.message + "\n";
  out += fmt::format("\n  {:<10} {:<12} {:>8} {:>8} {:>8} {:>8} {:>9}  {}\n", "stage", "state",
                     "ok", "failed", "in fl.", "waiting", "rate/s", "eta");
  for (const StageStatus& s : st.stages) {
    const int64_t failed = s.counts.Count("failed") + s.counts.Count("lost");
    out += fmt::format("  {:<10} {:<12} {:>8} {:>8} {:>8} {:>8} {:>9.1f}  {}\n", s.info.name,
                       s.info.state, s.counts.Count("ok"), failed, s.in_flight, s.waiting, s.rate,
                       s.eta_seconds ? Duration(*s.eta_seconds) : "-");
    if (!s.counts.failed_by_code.empty()) {
      std::string codes;
      for (const auto& [code, n] : s.counts.failed_by_code) {
        codes += fmt::format("{}{}: {}", codes.empty() ? "" : ", ", code.empty() ? "?" : code, n);
      }
      out += "             failed: " + codes + "\n";
    }
    if (s.counts.Count("rejected")) {
      out += fmt::format("             rejected: {}\n", s.counts.Count("rejected"));
    }
    if (s.counts.Count("duplicate")) {
      out += fmt::format("             duplicates: {}\n", s.counts.Count("duplicate"));
    }
  }
  if (!st.classes.empty()) {
    out += fmt::format("\n  {:<24} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7} {:>9}\n", "class",
                       "found", "fetched", "valid", "unique", "labelled", "review", "target",
                       "shortfall");
    for (const ClassStatus& c : st.classes) {
      out += fmt::format("  {:<24} {:>7} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7} {:>9}\n", c.label,
                         c.found, c.fetched, c.valid, c.unique, c.labelled, c.needs_review,
                         c.target ? std::to_string(c.target) : "-",
                         c.target ? std::to_string(c.shortfall) : "-");
    }
  }
  return out;
}

std::string FormatStatusJson(const JobStatus& st) {
  JsonBuilder b;
  b.BeginObject().Key("job").Int(st.job.id).Key("dataset").String(st.job.dataset);
  b.Key("state").String(st.job.state).Key("running").Bool(st.running);
  b.Key("pid").Int(st.running ? st.holder_pid : 0);
  b.Key("exit_code");
  if (st.job.exit_code) {
    b.Int(*st.job.exit_code);
  } else {
    b.Null();
  }
  b.Key("message").String(st.job.message).Key("output_dir").String(st.job.output_dir);
  b.Key("shard").String(st.job.shard).Key("created_at").Double(st.job.created_at);
  b.Key("round").Int(st.round);
  b.Key("stages").BeginArray();
  for (const StageStatus& s : st.stages) {
    b.BeginObject().Key("name").String(s.info.name).Key("state").String(s.info.state);
    b.Key("attempts").Int(s.info.attempts).Key("exit_status").String(s.info.exit_status);
    b.Key("items").BeginObject();
    for (const auto& [state, n] : s.counts.by_state) b.Key(state).Int(n);
    b.EndObject().Key("failed_by_code").BeginObject();
    for (const auto& [code, n] : s.counts.failed_by_code) b.Key(code).Int(n);
    b.EndObject().Key("in_flight").Int(s.in_flight).Key("waiting").Int(s.waiting);
    b.Key("rate_per_second").Double(s.rate).Key("eta_seconds");
    if (s.eta_seconds) {
      b.Double(*s.eta_seconds);
    } else {
      b.Null();
    }
    b.Key("seconds").Double(s.info.seconds).EndObject();
  }
  b.EndArray().Key("classes").BeginArray();
  for (const ClassStatus& c : st.classes) {
    b.BeginObject().Key("label").String(c.label).Key("found").Int(c.found);
    b.Key("fetched").Int(c.fetched).Key("valid").Int(c.valid).Key("unique").Int(c.unique);
    b.Key("labelled").Int(c.labelled).Key("needs_review").Int(c.needs_review);
    b.Key("target").Int(c.target).Key("shortfall").Int(c.shortfall).EndObject();
  }
  b.EndArray().EndObject();
  return b.Take();
}

std::string FormatStatusHtml(const JobStatus& st) {
  std::string h = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>)" + HtmlEscape(fmt::format("pix-run job {} ({}): {}", st.job.id, st.job.dataset, st.job.state)) +
                  R"(</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.state{font-weight:bold}
.bar{background:#eee;width:12em;height:.8em;display:inline-block}.bar span{background:#3a7;height:100%;display:block}
.error{color:#b00}.warning{color:#a60}pre{white-space:pre-wrap;font-size:12px}
</style></head><body>
)";
  h += fmt::format("<h1>{} <small>job {}</small></h1>\n<p class=\"state\" id=\"state\">{}{}</p>\n",
                   HtmlEscape(st.job.dataset), st.job.id, HtmlEscape(st.job.state),
                   st.running ? fmt::format(" (pix-run pid {})", st.holder_pid) : "");
  if (!st.job.message.empty()) h += "<p>" + HtmlEscape(st.job.message) + "</p>\n";
  h += "<h2>Stages</h2>\n<table id=\"stages\"><tr><th>stage</th><th>state</th><th>ok</th>"
       "<th>failed</th><th>in flight</th><th>waiting</th><th>rate/s</th><th>ETA</th>"
       "<th>failures by code</th></tr>\n";
  for (const StageStatus& s : st.stages) {
    std::string codes;
    for (const auto& [code, n] : s.counts.failed_by_code) {
      codes += fmt::format("{}{}: {}", codes.empty() ? "" : ", ", HtmlEscape(code), n);
    }
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        HtmlEscape(s.info.name), HtmlEscape(s.info.state), s.counts.Count("ok"),
        s.counts.Count("failed") + s.counts.Count("lost"), s.in_flight, s.waiting, s.rate,
        s.eta_seconds ? Duration(*s.eta_seconds) : "-", codes);
  }
  h += "</table>\n<h2>Classes</h2>\n<table id=\"classes\"><tr><th>class</th><th>found</th>"
       "<th>fetched</th><th>valid</th><th>unique</th><th>labelled</th><th>needs review</th>"
       "<th>target</th><th>progress</th>"
       "<th>shortfall</th></tr>\n";
  for (const ClassStatus& c : st.classes) {
    const double share =
        c.target > 0 ? std::min(1.0, static_cast<double>(c.unique) / static_cast<double>(c.target))
                     : 1.0;
    h += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</"
        "td>"
        "<td><span class=\"bar\"><span "
        "style=\"width:{:.0f}%\"></span></span></td><td>{}</td></tr>\n",
        HtmlEscape(c.label), c.found, c.fetched, c.valid, c.unique, c.labelled, c.needs_review,
        c.target ? std::to_string(c.target) : "-", share * 100,
        c.target ? std::to_string(c.shortfall) : "-");
  }
  h += "</table>\n<h2>Last events</h2>\n<pre id=\"events\">";
  for (const EventRow& e : st.last_events) {
    h += fmt::format("<span class=\"{}\">{} {}: {}</span>\n", HtmlEscape(e.level),
                     HtmlEscape(e.stage.empty() ? "pix-run" : e.stage), HtmlEscape(e.level), HtmlEscape(e.message));
  }
  h += "</pre>\n</body></html>\n";
  return h;
}

std::string FormatMetrics(const JobStatus& st) {
  const std::string job =
      fmt::format("job=\"{}\",dataset=\"{}\"", st.job.id, PromLabel(st.job.dataset));
  std::string m;
  auto header = [&](const char* name, const char* type, const char* help) {
    m += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  header("pix_run_items", "gauge", "Records per stage and state in the job store.");
  for (const StageStatus& s : st.stages) {
    for (const auto& [state, n] : s.counts.by_state) {
      m += fmt::format("pix_run_items{{{},stage=\"{}\",state=\"{}\"}} {}\n", job,
                       PromLabel(s.info.name), PromLabel(state), n);
    }
  }
  header("pix_run_failures", "gauge", "Failed records per stage and error code.");
  for (const StageStatus& s : st.stages) {
    for (const auto& [code, n] : s.counts.failed_by_code) {
      m += fmt::format("pix_run_failures{{{},stage=\"{}\",code=\"{}\"}} {}\n", job,
                       PromLabel(s.info.name), PromLabel(code), n);
    }
  }
  header("pix_run_stage_seconds", "gauge", "Seconds each stage has run, over all attempts.");
  for (const StageStatus& s : st.stages) {
    m += fmt::format("pix_run_stage_seconds{{{},stage=\"{}\"}} {}\n", job, PromLabel(s.info.name),
                     s.info.seconds);
  }
  header("pix_run_class_unique_images", "gauge", "Valid, unique images per class.");
  for (const ClassStatus& c : st.classes) {
    m += fmt::format("pix_run_class_unique_images{{{},label=\"{}\"}} {}\n", job, PromLabel(c.label),
                     c.unique);
  }
  header("pix_run_class_shortfall_images", "gauge",
         "Images missing per class to reach the target.");
  for (const ClassStatus& c : st.classes) {
    m += fmt::format("pix_run_class_shortfall_images{{{},label=\"{}\"}} {}\n", job,
                     PromLabel(c.label), c.shortfall);
  }
  header("pix_run_running", "gauge", "1 while a pix-run works on the job.");
  m += fmt::format("pix_run_running{{{}}} {}\n", job, st.job.state == "running" ? 1 : 0);
  header("pix_run_start_timestamp_seconds", "gauge", "When the job was created.");
  m += fmt::format("pix_run_start_timestamp_seconds{{{}}} {:.3f}\n", job, st.job.created_at);
  if (st.job.state == "done" && st.job.finished_at) {
    header("pix_run_last_success_timestamp_seconds", "gauge", "When the job last finished.");
    m += fmt::format("pix_run_last_success_timestamp_seconds{{{}}} {:.3f}\n", job,
                     *st.job.finished_at);
    header("pix_run_duration_seconds", "gauge", "From the job's creation to its end.");
    m += fmt::format("pix_run_duration_seconds{{{}}} {:.3f}\n", job,
                     *st.job.finished_at - st.job.created_at);
  }
  if (st.job.exit_code) {
    header("pix_run_exit_code", "gauge", "The job's exit code (0 ok, 1 some failed, 3, 130).");
    m += fmt::format("pix_run_exit_code{{{}}} {}\n", job, *st.job.exit_code);
  }
  return m;
}

Status WriteJobMetrics(JobStore& store, int64_t job, const std::string& path) {
  JobStatus st;
  // Metrics are written by the running pix-run: no lock check needed.
  PIX_ASSIGN_OR_RETURN(st, LoadJobStatus(store, "", job));
  return WriteFileAtomic(path, FormatMetrics(st));
}

}  // namespace pix
