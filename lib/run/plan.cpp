#include "run/plan.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <charconv>

#include "base/files.h"
#include "engines/search_section.h"
#include "keywords/keywords_section.h"
#include "validate/validate_section.h"

namespace pix {
namespace {

struct StageRow {
  const char* name;
  const char* tool;
  const char* upstream;
  ResumeKind resume;
  FeedKind feed;
  bool sink;
  // The tool's flags (after argv[0]) for this dataset.
  std::vector<std::string> (*flags)(const DatasetConfig& config, const Plan& plan);
};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The stages, in pipeline order.
const StageRow kStageTable[] = {
    {"keywords", "pix-keywords", "", ResumeKind::kRerun, FeedKind::kNone, false,
     [](const DatasetConfig& c, const Plan& p) {
       return Concat({"--config", p.config_copy}, c.network.args);
     }},
    {"search", "pix-search", "keywords", ResumeKind::kRerun, FeedKind::kStream, false,
     [](const DatasetConfig& c, const Plan& p) {
       return Concat({"--config", p.config_copy}, c.network.args);
     }},
    {"fetch", "pix-fetch", "search", ResumeKind::kPerRecord, FeedKind::kPrioritised, false,
     [](const DatasetConfig& c, const Plan&) {
       return Concat(Concat({"--dir", "images", "--resume"}, c.network.args), c.download.args);
     }},
    {"validate", "pix-validate", "fetch", ResumeKind::kPerRecord, FeedKind::kStream, false,
     [](const DatasetConfig&, const Plan& p) {
       return std::vector<std::string>{"--config", p.config_copy};
     }},
    {"dedup", "pix-dedup", "validate", ResumeKind::kRerun, FeedKind::kBarrier, false,
     [](const DatasetConfig& c, const Plan& p) {
       std::vector<std::string> args = {"--mark", "--temp-dir", JoinPath(p.state_dir, "tmp")};
       if (!c.dedup.index.empty()) {
         const std::string base = p.config_path.substr(0, p.config_path.rfind('/'));
         const std::string index =
             c.dedup.index[0] == '/' ? c.dedup.index : JoinPath(base, c.dedup.index);
         args.insert(args.end(), {"--index", index, "--index-update"});
       }
       return Concat(args, c.dedup.flags.args);
     }},
    {"label", "pix-label", "dedup", ResumeKind::kRerun, FeedKind::kCollect, false,
     [](const DatasetConfig& c, const Plan& p) {
       return Concat(Concat({"--config", p.config_copy, "--report", "label-report.json",
                             "--temp-dir", JoinPath(p.state_dir, "tmp")},
                            c.network.args),
                     c.labelling.args);
     }},
    // The dataset folder is DIR/dataset, beside the downloads it links to.
    {"pack", "pix-pack", "label", ResumeKind::kRerun, FeedKind::kCollect, true,
     [](const DatasetConfig& c, const Plan& p) {
       return Concat({"-o", "dataset", "--name", p.dataset}, c.output.pack.args);
     }},
};

std::string Absolute(const std::string& path, const std::string& base) {
  if (!path.empty() && path[0] == '/') return path;
  return JoinPath(base, path);
}

std::string CurrentDir() {
  char buf[4096];
  return ::getcwd(buf, sizeof buf) ? std::string(buf) : std::string(".");
}

Status ParseShard(const std::string& shard, int* index, int* count) {
  const size_t slash = shard.find('/');
  auto number = [](std::string_view s, int* out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  if (slash == std::string::npos || !number(std::string_view(shard).substr(0, slash), index) ||
      !number(std::string_view(shard).substr(slash + 1), count) || *count < 1 || *index < 1 ||
      *index > *count) {
    return Status::InvalidArgument(fmt::format(
        "--shard {}: expected K/N with 1 <= K <= N (shard 1/4 is the first of four)", shard));
  }
  return Status::Ok();
}

}  // namespace

const PlannedStage& Plan::LastRecordStage() const {
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    if (!it->sink) return *it;
  }
  return stages.front();
}

const PlannedStage* Plan::Find(const std::string& name) const {
  for (const PlannedStage& s : stages) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<Plan> MakePlan(const DatasetConfig& config, const std::string& config_path,
                      const PlanOptions& options) {
  // The stages' own sections are read by their modules; a run reads them all
  // before it starts, so a typo in `validate:` fails `pix-run check`, not the
  // validate stage an hour into the run.
  PIX_RETURN_IF_ERROR(ParseKeywordsSection(config).status());
  PIX_ASSIGN_OR_RETURN(const SearchOptions search, ParseSearchSection(config));
  PIX_RETURN_IF_ERROR(ParseValidateSection(config).status());
  Plan plan;
  const std::string cwd = CurrentDir();
  plan.config_path = Absolute(config_path, cwd);
  const std::string config_dir = plan.config_path.substr(0, plan.config_path.rfind('/'));
  std::string stem = plan.config_path.substr(plan.config_path.rfind('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  plan.dataset = config.name.empty() ? stem : config.name;
  if (!options.output_dir.empty()) {
    plan.output_dir = Absolute(options.output_dir, cwd);
  } else {
    plan.output_dir =
        Absolute(config.output.dir.empty() ? plan.dataset : config.output.dir, config_dir);
  }
  plan.state_dir = JoinPath(plan.output_dir, ".pix-run");
  plan.config_copy = JoinPath(plan.state_dir, "dataset.yaml");
  if (!options.store_path.empty()) {
    plan.store_path = Absolute(options.store_path, cwd);
  } else if (!config.output.store.empty()) {
    plan.store_path = Absolute(config.output.store, config_dir);
  } else {
    plan.store_path = JoinPath(plan.state_dir, "jobs.sqlite");
  }
  if (!options.shard.empty()) {
    PIX_RETURN_IF_ERROR(ParseShard(options.shard, &plan.shard_index, &plan.shard_count));
  }
  if (config.classes.empty()) {
    return Status::InvalidArgument(config.path +
                                   ": no classes: pix-run needs `classes:` to know "
                                   "what to collect");
  }
  for (const DatasetClass& c : config.classes) plan.labels.push_back(c.label);
  plan.images_per_class = config.targets.images_per_class;
  // A shard cannot tell whether a class is short (the other shards hold the
  // rest of its images), and a second dedup would misread a cross-run index
  // it has just updated: both search once.
  if (plan.images_per_class > 0 && config.dedup.index.empty() && plan.shard_count <= 1) {
    plan.rounds = config.targets.rounds;
  }
  plan.search_max = search.max_results;
  for (const StageRow& row : kStageTable) {
    PlannedStage stage;
    stage.name = row.name;
    stage.upstream = row.upstream;
    stage.resume = row.resume;
    stage.feed = row.feed;
    stage.sink = row.sink;
    // Streaming search hands URLs on as each query finishes, so the queue
    // cannot wait for all of them to rank them.
    if (stage.feed == FeedKind::kPrioritised && search.stream) stage.feed = FeedKind::kStream;
    stage.argv = Concat({JoinPath(options.tools_dir, row.tool)}, row.flags(config, plan));
    // Each answer reaches the store as soon as it is made, not when a pipe
    // buffer fills: the next stage starts on it and a kill loses none.
    if (!row.sink) stage.argv.emplace_back("--line-buffered");
    plan.stages.push_back(std::move(stage));
  }
  return plan;
}

std::vector<std::string> MissingTools(const std::string& tools_dir) {
  std::vector<std::string> missing;
  for (const StageRow& row : kStageTable) {
    const std::string path = JoinPath(tools_dir, row.tool);
    if (::access(path.c_str(), X_OK) != 0) missing.push_back(path);
  }
  return missing;
}

std::string ShellQuote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./=:,+@%") == std::string::npos) {
    return word;
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ShellCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& w : argv) out += (out.empty() ? "" : " ") + ShellQuote(w);
  return out;
}

bool InShard(std::string_view url, int index, int count) {
  if (count <= 1) return true;
  const uint64_t h = XXH3_64bits(url.data(), url.size());
  return static_cast<int>(h % static_cast<uint64_t>(count)) + 1 == index;
}

}  // namespace pix
