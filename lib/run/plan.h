// Plan: what pix-run will run for a dataset.yaml: the stages in order, each
// with its command line, and where the dataset and its job store go.
//
// The stages come from one table (kStageTable in plan.cpp). A row says which
// tool runs the stage, which stage feeds it, how it resumes and how its flags
// come from dataset.yaml. Adding a stage (pix-label, pix-pack) is one row
// and one flags function; the driver has no per-stage code.
//
// Resume kinds:
//   per-record  the stage answers each input record with one output record of
//               the same key (the URL): after a crash only the records it did
//               not answer are fed again (fetch, validate).
//   rerun       the stage's output is not one-to-one with its input, or needs
//               all of it (keywords, search, dedup): if it did not finish, it
//               runs again on all of its input; its output replaces the old.
// Feeding:
//   stream      records are handed on as upstream produces them;
//   prioritised the download queue: once upstream is done, records go best
//               first (more engines and queries agree, better rank);
//   barrier     once upstream is done, in upstream's output order (so the
//               stage sees the same input order in every run).
//   collect     as barrier, but every record the pipeline has finished with:
//               all of upstream's answers (kept, duplicates, rejected,
//               failed) and the failures of earlier stages that never reached
//               upstream. The end stages (label, pack) see and account for
//               every record, as they do at the end of a hand-made pipe.
// A sink stage (pack) writes files, not records: its stdout is not stored
// and the job's dataset.jsonl & co. come from the last stage before it.
//
// The children run with the output directory as their working directory, so
// the paths in records (images/<label>/<name>) are relative to the dataset.
// Thread-safety: values. Failure modes: kInvalidArgument for a bad --shard
// or a tools directory without the tools.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "config/dataset_config.h"

namespace pix {

enum class ResumeKind { kPerRecord, kRerun };
enum class FeedKind { kNone, kStream, kPrioritised, kBarrier, kCollect };

struct PlanOptions {
  std::string tools_dir{};   // where pix-keywords, ... are; required
  std::string output_dir{};  // overrides output.dir
  std::string store_path{};  // overrides output.store
  std::string shard{};       // "K/N" (K from 1) or empty
};

struct PlannedStage {
  std::string name;      // keywords, search, fetch, validate, dedup, label, pack
  std::string upstream;  // the stage that feeds it; empty for the first
  ResumeKind resume = ResumeKind::kRerun;
  FeedKind feed = FeedKind::kNone;
  bool sink = false;
  std::vector<std::string> argv;  // argv[0] is the tool's absolute path
};

struct Plan {
  std::string config_path;  // absolute
  std::string dataset;      // name
  std::string output_dir;   // absolute
  std::string store_path;   // absolute
  std::string state_dir;    // OUTPUT/.pix-run: the config copy, temp files
  std::string config_copy;  // STATE/dataset.yaml, what the stages read
  int shard_index = 0;      // K (from 1); 0: no sharding
  int shard_count = 0;      // N
  size_t images_per_class = 0;
  // Search rounds (run/rounds.h): at most this many; 1 without a target, for
  // a shard, and with a cross-run dedup index.
  size_t rounds = 1;
  size_t search_max = 100;  // results per query in round 1
  std::vector<std::string> labels;
  std::vector<PlannedStage> stages;

  const PlannedStage* Find(const std::string& name) const;
  // The last stage whose output is records (the dataset's records).
  const PlannedStage& LastRecordStage() const;
};

// The plan for `config` read from `config_path`.
Result<Plan> MakePlan(const DatasetConfig& config, const std::string& config_path,
                      const PlanOptions& options);

// The tools a plan can use that are missing from `tools_dir` (empty: all there).
std::vector<std::string> MissingTools(const std::string& tools_dir);

// Quotes a word for a POSIX shell when it needs it.
std::string ShellQuote(const std::string& word);
std::string ShellCommand(const std::vector<std::string>& argv);

// Whether `url` falls in shard `index` (from 1) of `count`: a stable hash of
// the URL (XXH3-64, seed 0) modulo count, plus one.
bool InShard(std::string_view url, int index, int count);

}  // namespace pix
